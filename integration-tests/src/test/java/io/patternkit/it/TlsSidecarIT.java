package io.patternkit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patternkit.core.PatternkitException;
import io.patternkit.core.SidecarConfig;
import io.patternkit.server.security.TestCertificates;
import io.patternkit.server.security.TlsFiles;
import io.patternkit.testing.SidecarProcess;
import io.patternkit.workqueue.Enqueue;
import io.patternkit.workqueue.WorkItem;
import io.patternkit.workqueue.WorkQueue;
import io.patternkit.workqueue.WorkQueueClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sidecar process serving HTTPS from PEM files, and the SDK trusting its private CA through
 * {@code PATTERNKIT_SIDECAR_CA_FILE}: what a pod does when its sidecar is reachable beyond loopback.
 */
class TlsSidecarIT {
    private static final String TOKEN = "tls-it-token";

    @TempDir
    Path dir;

    @Test
    void theSdkTalksToATlsSidecarThroughItsPrivateCaAndRefusesAnUntrustedOne() throws Exception {
        TestCertificates ca = TestCertificates.authority(dir);
        TlsFiles identity = ca.issue("sidecar", "DNS:localhost", "IP:127.0.0.1");
        try (SidecarProcess sidecar = SidecarProcess.run("workqueue").dataDir(dir.resolve("data")).apiToken(TOKEN)
                .args("--tls-cert", identity.certificateChain().toString(), "--tls-key", identity.privateKey().toString())
                .start()) {
            assertThat(sidecar.baseUrl().getScheme()).isEqualTo("https");
            Map<String, String> env = Map.of("PATTERNKIT_SIDECAR_URL", sidecar.baseUrl().toString(),
                    "PATTERNKIT_API_TOKEN", TOKEN, "PATTERNKIT_SIDECAR_CA_FILE", ca.caCertificate().toString());
            SidecarConfig trusting = SidecarConfig.builder().fromEnvironment("PATTERNKIT_WORKQUEUE_URL", 7311)
                    .environment(env::get).build();
            try (WorkQueueClient client = WorkQueueClient.create(trusting)) {
                WorkQueue queue = client.queue("over-tls");
                queue.enqueue(Enqueue.json("{\"n\":1}"));
                List<WorkItem> claimed = queue.claim(1, Duration.ofSeconds(30), Duration.ofSeconds(5));
                assertThat(claimed).hasSize(1);
                assertThat(claimed.get(0).payloadJson()).hasValue("{\"n\":1}");
                queue.ack(claimed.get(0));
            }
            SidecarConfig jvmTrust = SidecarConfig.builder().baseUrl(sidecar.baseUrl()).apiToken(TOKEN).maxRetries(0).build();
            try (WorkQueueClient client = WorkQueueClient.create(jvmTrust)) {
                assertThatThrownBy(() -> client.queue("over-tls").enqueue(Enqueue.json("{}")))
                        .isInstanceOf(PatternkitException.class).hasStackTraceContaining("SSLHandshakeException");
            }
        }
    }
}

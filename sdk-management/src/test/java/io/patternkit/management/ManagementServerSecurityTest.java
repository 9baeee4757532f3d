package io.patternkit.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.patternkit.management.internal.EmbeddedHttpServer;
import io.patternkit.server.security.Strangers;
import io.patternkit.server.security.TestCertificates;
import io.patternkit.server.security.TlsFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The management server meeting strangers: TLS off loopback (reloaded when rotated), the failed-authentication limit. */
class ManagementServerSecurityTest {
    private static final String TOKEN = "s3cret-token";

    @TempDir
    Path dir;
    private ManagementServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anAddressThatIsNotLoopbackNeedsTlsOrAnExplicitPlaintext() {
        assertThatThrownBy(() -> ManagementServer.builder().host("0.0.0.0").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0.0.0.0 is not loopback")
                .hasMessageContaining(ManagementServer.ENV_TLS_CERT).hasMessageContaining("insecurePlaintext()");
        assertThat(ManagementServer.builder().host("0.0.0.0").insecurePlaintext().build()).isNotNull();
        assertThat(ManagementServer.builder().fromEnvironment().environment(Map.of(ManagementServer.ENV_HOST, "0.0.0.0",
                ManagementServer.ENV_INSECURE_PLAINTEXT, "true")::get).build()).isNotNull();
        assertThatThrownBy(() -> ManagementServer.builder().fromEnvironment().environment(Map.of(
                ManagementServer.ENV_TLS_CERT, "/tls.crt")::get).build())
                .hasMessageContaining(ManagementServer.ENV_TLS_KEY);
        assertThat(ManagementServer.builder().host("::1").build()).isNotNull();
    }

    @Test
    void servesHttpsFromTheEnvironmentsPemFilesAndPicksUpARotatedCertificate() throws Exception {
        TestCertificates ca = TestCertificates.authority(dir);
        TlsFiles first = ca.issue("first", "DNS:localhost", "IP:127.0.0.1");
        TlsFiles second = ca.issue("second", "DNS:localhost", "IP:127.0.0.1");
        Path cert = Files.copy(first.certificateChain(), dir.resolve("tls.crt"));
        Path key = Files.copy(first.privateKey(), dir.resolve("tls.key"));
        server = ManagementServer.builder().fromEnvironment().environment(Map.of(ManagementServer.ENV_TLS_CERT,
                cert.toString(), ManagementServer.ENV_TLS_KEY, key.toString())::get)
                .apiToken(TOKEN).tlsReloadInterval(Duration.ofMillis(100)).build().start();
        server.mount("/x", request -> ManagementResponse.noContent());
        assertThat(server.baseUrl().toString()).isEqualTo("https://127.0.0.1:" + server.port());
        URI x = URI.create("https://localhost:" + server.port() + "/x");
        HttpClient trusting = HttpClient.newBuilder().sslContext(ca.clientContext()).build();

        assertThat(Strangers.get(trusting, x, TOKEN).statusCode()).isEqualTo(204);
        assertThatThrownBy(() -> Strangers.get(HttpClient.newHttpClient(), x, TOKEN)).isInstanceOf(SSLHandshakeException.class);

        Files.copy(second.certificateChain(), cert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(second.privateKey(), key, StandardCopyOption.REPLACE_EXISTING);
        await().atMost(Duration.ofSeconds(10)).until(() -> Strangers.get(HttpClient.newBuilder().sslContext(ca.clientContext())
                .build(), x, TOKEN).sslSession().orElseThrow().getPeerPrincipal().getName().contains("CN=second"));
    }

    @Test
    void closingWhileACertificateReadIsUnderWayWaitsForItAndClosesCleanly() throws Exception {
        TestCertificates ca = TestCertificates.authority(dir);
        TlsFiles first = ca.issue("first", "DNS:localhost", "IP:127.0.0.1");
        Path cert = Files.copy(first.certificateChain(), dir.resolve("tls.crt"));
        Path key = Files.copy(first.privateKey(), dir.resolve("tls.key"));
        try (ServerLog warnings = new ServerLog()) {
            ManagementServer closing = ManagementServer.builder().tls(cert, key).tlsReloadInterval(Duration.ofMillis(100))
                    .build().start();
            Files.delete(cert);
            assertThat(new ProcessBuilder("mkfifo", cert.toString()).start().waitFor()).isZero();
            Thread closer;
            try (java.io.OutputStream writer = Files.newOutputStream(cert)) { // open once a read has the pipe open
                closer = new Thread(closing::close);
                closer.start();
                // waiting for the reloader's stop: from then on no read starts, so none can block on the pipe again
                await().atMost(Duration.ofSeconds(10)).until(() -> closer.getState() == Thread.State.TIMED_WAITING);
                writer.write(Files.readAllBytes(first.certificateChain()));
            }
            closer.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(closer.isAlive()).isFalse();
            assertThat(warnings.events.list).as("no step of the close timed out").isEmpty();
        }
    }

    @Test
    void tlsFilesThatDoNotLoadFailTheStartNamingTheFile() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.crt"), "not a certificate");
        ManagementServer unstarted = ManagementServer.builder().tls(bad, bad).build();
        assertThatThrownBy(unstarted::start).hasMessageContaining("bad.crt");
        assertThat(unstarted.isRunning()).isFalse();
    }

    @Test
    void anAddressThatFailsAuthenticationTooOftenIsRefusedWith429() throws Exception {
        InetAddress external = Strangers.nonLoopbackAddress();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        server = ManagementServer.builder().host(external.getHostAddress()).insecurePlaintext().apiToken(TOKEN)
                .authFailureLimit(2, Duration.ofMinutes(10)).meterRegistry(meters).build().start();
        server.mount("/x", request -> ManagementResponse.noContent());
        HttpClient client = HttpClient.newHttpClient();
        URI x = URI.create(server.baseUrl() + "/x");
        assertThat(Strangers.get(client, x, "guess-1").statusCode()).isEqualTo(401);
        assertThat(Strangers.get(client, x, "guess-2").statusCode()).isEqualTo(401);
        HttpResponse<String> refused = Strangers.get(client, x, TOKEN);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("urn:patternkit:problem:rate-limited");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(meters.counter(ManagementServer.AUTH_FAILURES).count()).isEqualTo(2.0);
        assertThat(meters.counter(ManagementServer.AUTH_REFUSED).count()).isEqualTo(1.0);
        // The probes stay open to the kubelet, whatever the address did.
        assertThat(Strangers.get(client, URI.create(server.baseUrl() + "/patternkit/health/live"), null).statusCode())
                .isNotEqualTo(429);
    }

    @Test
    void aServerOffLoopbackWithoutATokenWarnsAtStartAndOneWithATokenDoesNot() {
        try (ServerLog warnings = new ServerLog()) {
            ManagementServer.builder().host("0.0.0.0").port(0).insecurePlaintext().apiToken(TOKEN).build().start().close();
            ManagementServer.builder().host("0.0.0.0").port(0).insecurePlaintext().build().start().close();
            assertThat(warnings.events.list).filteredOn(e -> e.getLevel() == Level.WARN)
                    .extracting(ILoggingEvent::getFormattedMessage).singleElement().asString()
                    .contains("on 0.0.0.0 without an API token").contains("PATTERNKIT_API_TOKEN");
        }
    }

    /** What the management server logs, collected from creation until {@link #close()}. */
    private static final class ServerLog implements AutoCloseable {
        private final Logger log = (Logger) LoggerFactory.getLogger(EmbeddedHttpServer.class);
        final ListAppender<ILoggingEvent> events = new ListAppender<>();

        ServerLog() {
            events.start();
            log.addAppender(events);
        }

        @Override
        public void close() {
            log.detachAppender(events);
        }
    }
}

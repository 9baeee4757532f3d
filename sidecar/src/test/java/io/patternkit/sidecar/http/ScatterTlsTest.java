package io.patternkit.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.patternkit.server.security.TestCertificates;
import io.patternkit.server.security.TlsFiles;
import io.patternkit.sidecar.host.EngineFamily;
import io.patternkit.sidecar.host.HostSettings;
import io.patternkit.sidecar.host.SidecarHost;
import io.patternkit.sidecar.scatter.ScatterEngine;
import io.patternkit.sidecar.scatter.ScatterModule;
import io.patternkit.sidecar.scatter.ScatterSettings;
import io.patternkit.sidecar.scatter.StaticLeaf;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scatter root calling its leaves over TLS: the leaf's certificate verified against --leaf-ca, the token inside TLS. */
class ScatterTlsTest {
    @TempDir
    Path dir;
    private Vertx vertx;
    private HttpServer leaf;
    private SidecarHost root;
    private TestCertificates ca;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startLeaf() {
        vertx = Vertx.vertx();
        ca = TestCertificates.authority(dir);
        TlsFiles identity = ca.issue("leaf", "DNS:localhost");
        HttpServerOptions options = new HttpServerOptions();
        identity.applyTo(options, vertx);
        leaf = vertx.createHttpServer(options).requestHandler(req -> req.body().onSuccess(body -> {
            authorizations.add(String.valueOf(req.getHeader("Authorization")));
            req.response().putHeader("Content-Type", "application/json").end("{\"hits\":[\"over-tls\"]}");
        })).listen(0, "127.0.0.1").await();
    }

    @AfterEach
    void stop() {
        if (root != null) {
            root.close();
        }
        vertx.close().await();
    }

    private HttpHarness root(Optional<Path> leafCa) {
        ScatterSettings settings = new ScatterSettings(4096, Duration.ofSeconds(2),
                List.of(StaticLeaf.parse("secure/s1=https://localhost:" + leaf.actualPort() + "/leaf")), List.of(),
                Duration.ofSeconds(1), 4, new ScatterEngine.Settings(Duration.ofSeconds(30), 6, 20, 10), leafCa);
        HostSettings host = new HostSettings("127.0.0.1", 0, Optional.of(HttpHarness.TOKEN), 16 * 1024, Duration.ofSeconds(2));
        root = SidecarHost.start(host, EngineFamily.none(), List.of(new ScatterModule(settings)), System::nanoTime);
        return new HttpHarness(root.port());
    }

    @Test
    void aLeafWhoseCertificateTheRootTrustsIsCalledWithTheToken() {
        JsonNode result = root(Optional.of(ca.caCertificate())).call("POST", "/v1/pools/secure/scatter",
                "{\"request\":1,\"deadlineMs\":5000}").json();
        assertThat(result.get("shards").get(0).get("status").asText()).as(result.toString()).isEqualTo("answered");
        assertThat(result.get("shards").get(0).get("response").get("hits").get(0).asText()).isEqualTo("over-tls");
        assertThat(authorizations).containsExactly("Bearer " + HttpHarness.TOKEN);
    }

    @Test
    void aLeafWhoseCertificateTheRootDoesNotTrustIsNeverSentTheRequest() {
        JsonNode result = root(Optional.empty()).call("POST", "/v1/pools/secure/scatter",
                "{\"request\":1,\"deadlineMs\":5000}").json();
        JsonNode shard = result.get("shards").get(0);
        assertThat(shard.get("status").asText()).isEqualTo("failed");
        assertThat(shard.get("reason").asText()).contains("TLS handshake failed").contains("--leaf-ca");
        assertThat(authorizations).isEmpty();
    }
}

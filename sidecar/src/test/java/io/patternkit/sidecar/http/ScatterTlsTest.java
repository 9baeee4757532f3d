package io.patternkit.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patternkit.server.security.TestCertificates;
import io.patternkit.server.security.TlsFiles;
import io.patternkit.sidecar.host.EngineFamily;
import io.patternkit.sidecar.host.HostSettings;
import io.patternkit.sidecar.host.SidecarHost;
import io.patternkit.sidecar.scatter.DnsLeaves;
import io.patternkit.sidecar.scatter.LeafTls;
import io.patternkit.sidecar.scatter.ScatterEngine;
import io.patternkit.sidecar.scatter.ScatterModule;
import io.patternkit.sidecar.scatter.ScatterSettings;
import io.patternkit.sidecar.scatter.StaticLeaf;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The scatter root calling its leaves over TLS: the leaf's certificate verified against --leaf-ca and the URL's host
 * or --leaf-tls-server-name, the token inside TLS, leaves found by DNS over https.
 */
class ScatterTlsTest {
    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();
    private HttpServer leaf;
    private SidecarHost root;
    private TestCertificates ca;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    /** A leaf of pool {@code secure}, shard s1, serving TLS with a certificate for the given names. */
    private void startLeaf(String... subjectAltNames) {
        ca = TestCertificates.authority(dir);
        TlsFiles identity = ca.issue("leaf", subjectAltNames);
        HttpServerOptions options = new HttpServerOptions();
        identity.applyTo(options, vertx);
        leaf = vertx.createHttpServer(options).requestHandler(req -> req.body().onSuccess(body -> {
            authorizations.add(req.method() + " " + req.getHeader("Authorization"));
            String answer = req.method() == HttpMethod.GET
                    ? "{\"pool\":\"secure\",\"shard\":\"s1\",\"leafId\":\"tls-leaf\"}" : "{\"hits\":[\"over-tls\"]}";
            req.response().putHeader("Content-Type", "application/json").end(answer);
        })).listen(0, "127.0.0.1").await();
    }

    @AfterEach
    void stop() {
        if (root != null) {
            root.close();
        }
        vertx.close().await();
    }

    private HttpHarness root(List<String> staticLeaves, List<String> dnsLeaves, LeafTls tls) {
        ScatterSettings settings = new ScatterSettings(4096, Duration.ofSeconds(2),
                staticLeaves.stream().map(StaticLeaf::parse).toList(), dnsLeaves.stream().map(DnsLeaves::parse).toList(),
                Duration.ofMillis(200), 4, Duration.ofSeconds(2), new ScatterEngine.Settings(Duration.ofSeconds(30), 6, 20, 10), tls);
        HostSettings host = new HostSettings("127.0.0.1", 0, Optional.of(HttpHarness.TOKEN), 16 * 1024, Duration.ofSeconds(2));
        root = SidecarHost.start(host, EngineFamily.none(), List.of(new ScatterModule(settings)), System::nanoTime);
        return new HttpHarness(root.port());
    }

    private static JsonNode scatter(HttpHarness root) {
        return root.call("POST", "/v1/pools/secure/scatter", "{\"request\":1,\"deadlineMs\":5000}").json();
    }

    @Test
    void aLeafWhoseCertificateTheRootTrustsIsCalledWithTheToken() {
        startLeaf("DNS:localhost");
        JsonNode result = scatter(root(List.of("secure/s1=https://localhost:" + leaf.actualPort() + "/leaf"), List.of(),
                new LeafTls(Optional.of(ca.caCertificate()), Optional.empty())));
        assertThat(result.get("shards").get(0).get("status").asString()).as(result.toString()).isEqualTo("answered");
        assertThat(result.get("shards").get(0).get("response").get("hits").get(0).asString()).isEqualTo("over-tls");
        assertThat(authorizations).containsExactly("POST Bearer " + HttpHarness.TOKEN);
    }

    @Test
    void aLeafWhoseCertificateTheRootDoesNotTrustIsNeverSentTheRequest() {
        startLeaf("DNS:localhost");
        JsonNode shard = scatter(root(List.of("secure/s1=https://localhost:" + leaf.actualPort() + "/leaf"), List.of(),
                LeafTls.DEFAULT)).get("shards").get(0);
        assertThat(shard.get("status").asString()).isEqualTo("failed");
        assertThat(shard.get("reason").asString()).contains("TLS handshake failed").contains("--leaf-ca");
        assertThat(authorizations).isEmpty();
    }

    /** Leaves reached by address share one certificate for their Service's name (Kubernetes, cert-manager). */
    @Test
    void aLeafReachedByAddressIsVerifiedAgainstTheServerName() {
        startLeaf("DNS:leaves.secure.svc");
        List<String> byAddress = List.of("secure/s1=https://127.0.0.1:" + leaf.actualPort() + "/leaf");
        JsonNode without = scatter(root(byAddress, List.of(), new LeafTls(Optional.of(ca.caCertificate()), Optional.empty())));
        assertThat(without.get("shards").get(0).get("status").asString()).as("127.0.0.1 is not in the certificate")
                .isEqualTo("failed");
        root.close();
        JsonNode with = scatter(root(byAddress, List.of(),
                new LeafTls(Optional.of(ca.caCertificate()), Optional.of("leaves.secure.svc"))));
        assertThat(with.get("shards").get(0).get("status").asString()).as(with.toString()).isEqualTo("answered");
        assertThat(authorizations).containsExactly("POST Bearer " + HttpHarness.TOKEN);
    }

    @Test
    void leavesFoundByDnsAreAskedAndCalledOverTls() {
        startLeaf("DNS:leaves.secure.svc");
        HttpHarness http = root(List.of(), List.of("secure=https://localhost:" + leaf.actualPort() + "/leaf"),
                new LeafTls(Optional.of(ca.caCertificate()), Optional.of("leaves.secure.svc")));
        await().atMost(Duration.ofSeconds(10)).until(() -> http.call("GET", "/v1/pools/secure/leaves", null).json()
                .get("shards").size() == 1);
        JsonNode result = scatter(http);
        assertThat(result.get("shards").get(0).get("status").asString()).as(result.toString()).isEqualTo("answered");
        assertThat(authorizations).contains("GET Bearer " + HttpHarness.TOKEN, "POST Bearer " + HttpHarness.TOKEN);
    }
}

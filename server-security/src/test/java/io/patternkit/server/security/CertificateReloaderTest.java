package io.patternkit.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateReloaderTest {
    @TempDir
    Path dir;
    private Vertx vertx;
    private TestCertificates ca;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        ca = TestCertificates.authority(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aRotatedCertificateIsServedWithoutARestartAndAHalfWrittenOneIsNot() throws Exception {
        TlsFiles first = ca.issue("first", "DNS:localhost", "IP:127.0.0.1");
        TlsFiles second = ca.issue("second", "DNS:localhost", "IP:127.0.0.1");
        Served served = serve(first);
        Path mountedCert = served.mounted().certificateChain();
        Path mountedKey = served.mounted().privateKey();
        HttpServer server = served.server();
        CertificateReloader reloader = CertificateReloader.start(vertx, server, served.mounted(), served.loaded(),
                Duration.ofMillis(100));
        try {
            assertThat(servedSubject(server.actualPort())).contains("CN=first");

            Files.writeString(mountedCert, "-----BEGIN CERTIFICATE-----\nhalf", StandardCharsets.US_ASCII);
            copy(second, null, mountedKey); // the key of the second identity with a broken chain: refused
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> reloader.reloads() == 0);
            assertThat(servedSubject(server.actualPort())).contains("CN=first");

            copy(second, mountedCert, mountedKey);
            await().atMost(Duration.ofSeconds(10)).until(() -> reloader.reloads() == 1);
            assertThat(servedSubject(server.actualPort())).contains("CN=second");
            assertThat(reloader.current().describe()).contains("CN=second").doesNotContain("PRIVATE");
        } finally {
            reloader.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void stopWaitsForAReadUnderWayAndNoReadStartsAfterIt() throws Exception {
        Served served = serve(ca.issue("first", "DNS:localhost"));
        Path mountedCert = served.mounted().certificateChain();
        TlsFiles.Loaded loaded = served.loaded();
        Files.delete(mountedCert);
        assertThat(new ProcessBuilder("mkfifo", mountedCert.toString()).inheritIO().start().waitFor()).isZero();
        CertificateReloader reloader = CertificateReloader.start(vertx, served.server(), served.mounted(), loaded,
                Duration.ofMillis(10));

        Future<Void> stopped;
        try (OutputStream writer = Files.newOutputStream(mountedCert)) { // opens once a read has the pipe open
            stopped = reloader.stop();
            assertThat(stopped.isComplete()).as("a read is under way, blocked on the pipe").isFalse();
            writer.write("not a certificate".getBytes(StandardCharsets.US_ASCII));
        }
        stopped.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(reloader.reloads()).isZero();
        assertThat(reloader.current()).isSameAs(loaded);
        // A read after stop() would block on the pipe with no writer; vertx.close() below would then wait for it.
        assertThat(reloader.stop().isComplete()).isTrue();
    }

    @Test
    void filesThatDoNotMakeAnIdentityAreRefusedNamingTheFile() throws IOException {
        TlsFiles good = ca.issue("good", "DNS:localhost");
        Path notPem = Files.writeString(dir.resolve("not.crt"), "hello", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> new TlsFiles(notPem, good.privateKey()).load(vertx))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not.crt");
        assertThatThrownBy(() -> new TlsFiles(good.certificateChain(), good.certificateChain()).load(vertx))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("good.crt");
        assertThatThrownBy(() -> new TlsFiles(dir.resolve("missing.crt"), good.privateKey()).load(vertx))
                .hasMessageContaining("missing.crt");
    }

    /** A server started on the identity's copy in {@code tls.crt} and {@code tls.key}, as a mounted Secret would be. */
    private record Served(TlsFiles mounted, TlsFiles.Loaded loaded, HttpServer server) {
    }

    private Served serve(TlsFiles identity) throws Exception {
        TlsFiles mounted = new TlsFiles(dir.resolve("tls.crt"), dir.resolve("tls.key"));
        copy(identity, mounted.certificateChain(), mounted.privateKey());
        HttpServerOptions options = new HttpServerOptions();
        TlsFiles.Loaded loaded = mounted.applyTo(options, vertx);
        HttpServer server = vertx.createHttpServer(options).requestHandler(r -> r.response().end("ok"))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return new Served(mounted, loaded, server);
    }

    private void copy(TlsFiles from, Path cert, Path key) throws IOException {
        if (cert != null) {
            Files.copy(from.certificateChain(), cert, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.copy(from.privateKey(), key, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String subject(io.vertx.core.http.HttpClientRequest request) {
        try {
            return ((X509Certificate) request.connection().peerCertificates().get(0)).getSubjectX500Principal().getName();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            throw new IllegalStateException(e);
        }
    }

    private String servedSubject(int port) throws Exception {
        HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setKeepAlive(false)
                .setTrustOptions(new PemTrustOptions().addCertPath(ca.caCertificate().toString())));
        try {
            return client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("localhost").setPort(port).setURI("/"))
                    .compose(request -> request.send().compose(response -> response.body().map(body -> subject(request))))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            client.close();
        }
    }
}

package io.patternkit.sidecar.scatter;

import static org.assertj.core.api.Assertions.assertThat;

import io.patternkit.sidecar.common.SilentListener;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VertxJsonPosterTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    void aUrlTheClientCannotUseIsAFailedReplyNotAnException() throws Exception {
        // With a TLS server name, the URL's port becomes a socket address, which refuses 70000.
        try (VertxJsonPoster poster = new VertxJsonPoster(vertx, 1 << 20, 1, Duration.ofMillis(300),
                new LeafTls(Optional.empty(), Optional.of("leaf.example")))) {
            CompletableFuture<JsonPoster.Reply> reply = new CompletableFuture<>();
            poster.post("https://leaf:70000/x", Map.of(), Buffer.buffer("{}"), Duration.ofSeconds(10), reply::complete);
            assertThat(reply.get(10, TimeUnit.SECONDS).failure()).startsWith("cannot send");
        }
    }

    @Test
    void aConnectionAttemptNobodyAnswersEndsAtTheConnectTimeoutAndFreesItsPlace() throws Exception {
        try (SilentListener silent = new SilentListener();
                VertxJsonPoster poster = new VertxJsonPoster(vertx, 1 << 20, 1, Duration.ofMillis(300),
                        new LeafTls(Optional.empty(), Optional.empty()))) {
            String url = silent.url() + "/leaf";

            // One place for the address: the second attempt can only start once the first has given it up.
            for (int attempt = 1; attempt <= 2; attempt++) {
                CompletableFuture<JsonPoster.Reply> reply = new CompletableFuture<>();
                long start = System.nanoTime();
                poster.post(url, Map.of(), Buffer.buffer("{}"), Duration.ofSeconds(10), reply::complete);
                JsonPoster.Reply failed = reply.get(20, TimeUnit.SECONDS);
                assertThat(failed.failure()).as("attempt %d", attempt).isNotNull()
                        .doesNotContain("getting a connection").containsIgnoringCase("timed out");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void aTlsHandshakeNobodyAnswersEndsAtTheConnectTimeoutAndFreesItsPlace() throws Exception {
        // The kernel completes the TCP handshake for a listener nobody accepts from: the ClientHello goes unanswered.
        try (ServerSocket mute = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                VertxJsonPoster poster = new VertxJsonPoster(vertx, 1 << 20, 1, Duration.ofMillis(300),
                        new LeafTls(Optional.empty(), Optional.empty()))) {
            InetAddress loopback = mute.getInetAddress();
            String host = loopback instanceof Inet6Address ? "[" + loopback.getHostAddress() + "]" : loopback.getHostAddress();
            String url = "https://" + host + ":" + mute.getLocalPort() + "/leaf";

            for (int attempt = 1; attempt <= 2; attempt++) {
                CompletableFuture<JsonPoster.Reply> reply = new CompletableFuture<>();
                long start = System.nanoTime();
                poster.post(url, Map.of(), Buffer.buffer("{}"), Duration.ofSeconds(10), reply::complete);
                JsonPoster.Reply failed = reply.get(30, TimeUnit.SECONDS);
                assertThat(failed.failure()).as("attempt %d", attempt).isNotNull().doesNotContain("getting a connection")
                        .contains("TLS handshake timed out").doesNotContain("--leaf-ca");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("attempt %d", attempt)
                        .isLessThan(Duration.ofSeconds(5));
            }
        }
    }
}

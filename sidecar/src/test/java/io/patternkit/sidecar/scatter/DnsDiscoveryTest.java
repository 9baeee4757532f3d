package io.patternkit.sidecar.scatter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patternkit.sidecar.common.SilentListener;
import io.patternkit.sidecar.common.Ticker;
import io.patternkit.sidecar.host.OutboundToken;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DnsDiscoveryTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    void anAddressThatDropsConnectionAttemptsDelaysARoundByTheInfoTimeoutAndHoldsNoAttemptLonger() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "the attempt's socket is watched in Linux's /proc");
        try (SilentListener silent = new SilentListener()) {
            LeafRegistry registry = new LeafRegistry(Ticker.system());
            String address = silent.address().getAddress().getHostAddress() + ":" + silent.address().getPort();
            DnsDiscovery discovery = new DnsDiscovery(vertx, registry,
                    List.of(DnsLeaves.parse("search=" + address + "/patternkit/leaf/search")),
                    OutboundToken.none(), new LeafTls(Optional.empty(), Optional.empty()));
            try {
                long start = System.nanoTime();
                Future<Void> round = discovery.start(Duration.ofMinutes(10));
                await().atMost(Duration.ofSeconds(5)).until(() -> !silent.pendingAttempts().isEmpty()); // it is seen
                round.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the first round").isLessThan(Duration.ofSeconds(5));
                assertThat(registry.shards("search")).isEmpty();
                // Vert.x's default connect timeout is a minute: the attempt would hold one of the address's pooled places.
                await().atMost(Duration.ofSeconds(5)).until(() -> silent.pendingAttempts().isEmpty());
            } finally {
                discovery.close();
            }
        }
    }

    /** A leaf-info answer that never ends, in chunks of {@code chunkBytes} every {@code everyMs}; counts what it sent. */
    private record Endless(HttpServer server, AtomicLong sent, CompletableFuture<Void> closed) {
        static Endless start(Vertx vertx, int chunkBytes, long everyMs) {
            AtomicLong sent = new AtomicLong();
            CompletableFuture<Void> closed = new CompletableFuture<>();
            HttpServer server = vertx.createHttpServer().requestHandler(request -> {
                HttpServerResponse response = request.response().setChunked(true).putHeader("Content-Type", "application/json");
                response.write("{\"pool\":\"search\",\"shard\":\"s1\",\"leafId\":\"");
                long timer = vertx.setPeriodic(everyMs, t -> {
                    if (!response.closed()) {
                        response.write("a".repeat(chunkBytes));
                        sent.addAndGet(chunkBytes);
                    }
                });
                response.closeHandler(v -> {
                    vertx.cancelTimer(timer);
                    closed.complete(null);
                });
            }).listen(0, "127.0.0.1").await();
            return new Endless(server, sent, closed);
        }

        DnsDiscovery discovery(Vertx vertx, LeafRegistry registry) {
            return new DnsDiscovery(vertx, registry, List.of(DnsLeaves.parse("search=127.0.0.1:" + server.actualPort()
                    + "/patternkit/leaf/search")), OutboundToken.none(), new LeafTls(Optional.empty(), Optional.empty()));
        }
    }

    @Test
    void anAnswerLargerThanTheLimitIsCutOffAsItComesNotReadWhole() throws Exception {
        Endless endless = Endless.start(vertx, 4096, 5);
        LeafRegistry registry = new LeafRegistry(Ticker.system());
        DnsDiscovery discovery = endless.discovery(vertx, registry);
        try {
            discovery.start(Duration.ofMinutes(10)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            endless.closed().get(30, TimeUnit.SECONDS);
            assertThat(endless.sent().get()).as("bytes sent before the reset").isLessThan(256 * 1024);
            assertThat(registry.shards("search")).isEmpty();
        } finally {
            discovery.close();
        }
    }

    /**
     * Headers sent a byte at a time: the round still ends (Vert.x's request timeout counts decoded parts of the answer,
     * not bytes, so it ends them before the exchange's cap does).
     */
    @Test
    void anAnswerWhoseHeadersTrickleEndsTheRoundAtTheExchangeTimeout() throws Exception {
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> cut = new CompletableFuture<>();
            CompletableFuture.runAsync(() -> {
                try {
                    Socket app = listener.accept();
                    OutputStream out = app.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
                    trickle.scheduleAtFixedRate(() -> { // a byte of header every 100 ms, until it is cut off
                        try {
                            out.write('x');
                            out.flush();
                        } catch (IOException closed) {
                            cut.complete(null);
                            try {
                                app.close();
                            } catch (IOException ignored) {
                                // it is gone either way
                            }
                            throw new IllegalStateException("cut off", closed); // ends the schedule
                        }
                    }, 100, 100, TimeUnit.MILLISECONDS);
                } catch (IOException e) {
                    cut.completeExceptionally(e);
                }
            });
            LeafRegistry registry = new LeafRegistry(Ticker.system());
            DnsDiscovery discovery = new DnsDiscovery(vertx, registry, List.of(DnsLeaves.parse("search=127.0.0.1:"
                    + listener.getLocalPort() + "/patternkit/leaf/search")), OutboundToken.none(),
                    new LeafTls(Optional.empty(), Optional.empty()));
            try {
                discovery.start(Duration.ofMinutes(10)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                cut.get(30, TimeUnit.SECONDS);
                assertThat(registry.shards("search")).isEmpty();
            } finally {
                discovery.close();
            }
        } finally {
            trickle.shutdownNow();
        }
    }

    @Test
    void anAnswerWhoseBodyTricklesWithoutEndEndsTheRoundAtTheExchangeTimeout() throws Exception {
        Endless endless = Endless.start(vertx, 1, 100); // a byte at a time: never silent long enough for the idle timeout
        LeafRegistry registry = new LeafRegistry(Ticker.system());
        DnsDiscovery discovery = endless.discovery(vertx, registry);
        try {
            discovery.start(Duration.ofMinutes(10)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            endless.closed().get(30, TimeUnit.SECONDS);
            assertThat(registry.shards("search")).isEmpty();
        } finally {
            discovery.close();
        }
    }
}

package io.patternkit.core.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.patternkit.core.CallCancelledException;
import io.patternkit.core.CallTimeoutException;
import io.patternkit.core.ClientMetrics;
import io.patternkit.core.ProtocolException;
import io.patternkit.core.SidecarConfig;
import io.patternkit.core.SidecarUnavailableException;
import io.patternkit.protocol.Wire;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TransportTest {
    record Health(String status) {
    }

    private final WireMockServer server = new WireMockServer(options().dynamicPort());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void start() {
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    /** A generous call timeout: a cold WireMock's first answer can take seconds on a busy machine. */
    private SidecarConfig.Builder config() {
        return SidecarConfig.builder().baseUrl(URI.create(server.baseUrl())).meterRegistry(registry)
                .retryBackoff(Duration.ofMillis(5)).maxRetries(2).callTimeout(Duration.ofSeconds(10));
    }

    @Test
    void sendsTheBearerTokenAndRecordsTheCall() {
        server.stubFor(get("/healthz/live").willReturn(okJson("{\"status\":\"UP\",\"extra\":1}")));
        try (Transport t = new Transport(config().apiToken("tok").build())) {
            assertThat(t.execute(SidecarCall.get("live", "/healthz/live"), Health.class)).isEqualTo(new Health("UP"));
        }
        server.verify(getRequestedFor(urlEqualTo("/healthz/live")).withHeader("Authorization", equalTo("Bearer tok")));
        assertThat(registry.get(ClientMetrics.CALLS).tags(ClientMetrics.TAG_OPERATION, "live",
                ClientMetrics.TAG_OUTCOME, ClientMetrics.OUTCOME_SUCCESS).timer().count()).isEqualTo(1);
    }

    @Test
    void aCallAfterCloseFailsTypedWithoutSendingAnything() {
        Transport t = new Transport(config().build());
        t.close();
        assertThatThrownBy(() -> t.execute(SidecarCall.get("live", "/healthz/live"), Health.class))
                .isInstanceOf(CallCancelledException.class).hasMessageContaining("live: the client is closed");
        // Before, the async call threw RejectedExecutionException at the caller instead of failing its future.
        assertThat(t.executeAsync(SidecarCall.get("live", "/healthz/live"), Health.class))
                .failsWithin(Duration.ofSeconds(5)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(CallCancelledException.class);
        assertThat(server.getAllServeEvents()).isEmpty();
    }

    @Test
    void anInterruptCancelsALongPollAtOnceWithoutRetryingIt() throws InterruptedException {
        server.stubFor(get("/claim").willReturn(okJson("{\"status\":\"late\"}").withFixedDelay(20_000)));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        try (Transport t = new Transport(config().build())) {
            Thread poller = new Thread(() -> {
                try {
                    t.execute(SidecarCall.get("claim", "/claim").withLongPoll(Duration.ofSeconds(20)), Health.class);
                } catch (RuntimeException e) {
                    thrown.set(e);
                } finally {
                    done.countDown();
                }
            });
            poller.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> server.getAllServeEvents().size() == 1);
            poller.interrupt();
            assertThat(done.await(5, TimeUnit.SECONDS)).as("the long-poll returned well before its 20 s").isTrue();
        }
        assertThat(thrown.get()).isInstanceOf(CallCancelledException.class).hasMessageContaining("claim: cancelled");
        assertThat(server.getAllServeEvents()).hasSize(1);
    }

    /** No retries, and a breaker that opens for a minute when half of its window of four calls failed. */
    private SidecarConfig breakerOfFourCalls() {
        return config().maxRetries(0).circuitBreakerWindow(4).circuitBreakerFailureRate(50)
                .circuitBreakerOpenDuration(Duration.ofMinutes(1)).build();
    }

    @Test
    void theCircuitOpensAfterRepeatedFailuresAndThenSendsNothing() {
        server.stubFor(get("/x").willReturn(aResponse().withStatus(503)));
        SidecarConfig c = breakerOfFourCalls();
        try (Transport t = new Transport(c)) {
            for (int i = 0; i < 4; i++) {
                assertThatThrownBy(() -> t.execute(SidecarCall.get("x", "/x"), Health.class))
                        .isInstanceOf(SidecarUnavailableException.class).hasMessageContaining("(503)");
            }
            assertThatThrownBy(() -> t.execute(SidecarCall.get("x", "/x"), Health.class))
                    .isInstanceOf(SidecarUnavailableException.class).hasMessageContaining("circuit breaker is open");
        }
        assertThat(server.getAllServeEvents()).hasSize(4);
        assertThat(registry.get(ClientMetrics.CALLS).tag(ClientMetrics.TAG_OUTCOME, ClientMetrics.OUTCOME_CIRCUIT_OPEN)
                .timer().count()).isEqualTo(1);
    }

    @Test
    void requestTimeoutsDoNotOpenTheCircuit() {
        server.stubFor(get("/x").willReturn(aResponse().withStatus(408)));
        SidecarConfig c = breakerOfFourCalls();
        try (Transport t = new Transport(c)) {
            for (int i = 0; i < 6; i++) {
                assertThatThrownBy(() -> t.execute(SidecarCall.get("x", "/x"), Health.class))
                        .isInstanceOf(SidecarUnavailableException.class).hasMessageContaining("(408)");
            }
        }
        assertThat(server.getAllServeEvents()).as("every call sent: the breaker stayed closed").hasSize(6);
    }

    /**
     * A long-poll is not the half-open breaker's one trial call: parked for its wait, it would have the breaker refuse
     * every other call meanwhile. It sends a liveness probe as the trial first.
     */
    @Test
    void aLongPollAfterAnOutageDoesNotHoldTheHalfOpenBreakersOnlyTrial() {
        server.stubFor(get("/x").willReturn(aResponse().withStatus(503)));
        SidecarConfig c = config().maxRetries(0).circuitBreakerWindow(2).circuitBreakerFailureRate(50)
                .circuitBreakerOpenDuration(Duration.ofMillis(1)).build();
        try (Transport t = new Transport(c)) {
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> t.execute(SidecarCall.get("x", "/x"), Health.class))
                        .isInstanceOf(SidecarUnavailableException.class).hasMessageContaining("(503)");
            }
            server.stubFor(get("/x").willReturn(okJson("{\"status\":\"UP\"}")));
            server.stubFor(get("/healthz/live").willReturn(okJson("{\"status\":\"UP\"}")));
            server.stubFor(get("/claim").willReturn(okJson("{\"status\":\"late\"}").withFixedDelay(5_000)));
            CompletableFuture<Health> parked = CompletableFuture.supplyAsync(() ->
                    t.execute(SidecarCall.get("claim", "/claim").withLongPoll(Duration.ofSeconds(20)), Health.class));
            await().atMost(Duration.ofSeconds(10)).until(() -> server.getAllServeEvents().stream()
                    .anyMatch(e -> e.getRequest().getUrl().equals("/claim")));
            // Before, the long-poll was the trial, and this call was refused until it came back.
            assertThat(t.execute(SidecarCall.get("x", "/x"), Health.class)).isEqualTo(new Health("UP"));
            assertThat(parked.join()).isEqualTo(new Health("late"));
        }
        server.verify(getRequestedFor(urlEqualTo("/healthz/live")));
    }

    @Test
    void connectionRefusedNamesTheUrlAndTheVariableAndIsRetriedWhenNotSent() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        SidecarConfig c = SidecarConfig.builder().meterRegistry(registry).retryBackoff(Duration.ofMillis(5))
                .maxRetries(2).environment(Map.of(Wire.ENV_WORKQUEUE_URL, "http://127.0.0.1:" + port)::get)
                .fromEnvironment(Wire.ENV_WORKQUEUE_URL, 1).build();
        try (Transport t = new Transport(c)) {
            assertThatThrownBy(() -> t.execute(SidecarCall.post("claim", "/c", Map.of(), false), Health.class))
                    .isInstanceOf(SidecarUnavailableException.class)
                    .hasMessageContaining("127.0.0.1:" + port).hasMessageContaining(Wire.ENV_WORKQUEUE_URL);
        }
        assertThat(registry.get(ClientMetrics.RETRIES).counter().count()).isEqualTo(2);
    }

    @Test
    void aLongPollGetsItsWaitOnTopOfTheCallTimeout() {
        server.stubFor(get("/slow").willReturn(okJson("{\"status\":\"UP\"}").withFixedDelay(800)));
        try (Transport t = new Transport(config().maxRetries(0).callTimeout(Duration.ofMillis(500)).build())) {
            assertThatThrownBy(() -> t.execute(SidecarCall.get("slow", "/slow"), Health.class))
                    .isInstanceOf(CallTimeoutException.class).hasMessageContaining("PT0.5S");
            assertThat(t.execute(SidecarCall.get("slow", "/slow").withLongPoll(Duration.ofMillis(600)), Health.class))
                    .isEqualTo(new Health("UP"));
        }
    }

    @Test
    void aBodyThatStallsAfterItsHeadersEndsAtTheCallTimeout() {
        server.stubFor(get("/stalls").willReturn(okJson("{\"status\":\"UP\",\"pad\":\"" + "x".repeat(64) + "\"}")
                .withChunkedDribbleDelay(8, 3_000)));
        try (Transport t = new Transport(config().maxRetries(0).callTimeout(Duration.ofMillis(500)).build())) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> t.execute(SidecarCall.get("stalls", "/stalls"), Health.class))
                    .isInstanceOf(CallTimeoutException.class).hasMessageContaining("PT0.5S");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void asyncCallsFailWithTheTypedException() {
        server.stubFor(get("/gone").willReturn(aResponse().withStatus(404)));
        try (Transport t = new Transport(config().build())) {
            assertThatThrownBy(() -> t.executeAsync(SidecarCall.get("gone", "/gone"), Health.class).join())
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(ProtocolException.class);
        }
    }

    @Test
    void asyncCallsBeyondTheLimitWaitTheirTurnInsteadOfOpeningAThreadAndConnectionEach() throws Exception {
        try (HeldServer held = new HeldServer(); Transport t = new Transport(config().baseUrl(held.url()).maxAsyncCalls(4).build())) {
            List<CompletableFuture<Health>> calls = IntStream.range(0, 20)
                    .mapToObj(i -> t.executeAsync(SidecarCall.get("live", "/healthz/live"), Health.class)).toList();
            await().atMost(Duration.ofSeconds(10)).until(held.arrived::get, n -> n == 4);
            // Without the limit the other 16 arrive within milliseconds; with it none can before one of the 4 ends.
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(held.arrived::get, n -> n == 4);
            held.release.countDown();
            assertThat(CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))).succeedsWithin(Duration.ofSeconds(10));
            assertThat(calls).allSatisfy(c -> assertThat(c.join()).isEqualTo(new Health("UP")));
            assertThat(held.mostInFlight.get()).isEqualTo(4);
        }
    }

    @Test
    void aCallCancelledWhileItWaitsForItsTurnIsNeverSent() throws Exception {
        try (HeldServer held = new HeldServer(); Transport t = new Transport(config().baseUrl(held.url()).maxAsyncCalls(1).build())) {
            CompletableFuture<Health> first = t.executeAsync(SidecarCall.get("live", "/first"), Health.class);
            await().atMost(Duration.ofSeconds(10)).until(held.arrived::get, n -> n == 1);
            CompletableFuture<Health> cancelled = t.executeAsync(SidecarCall.get("live", "/cancelled"), Health.class);
            CompletableFuture<Health> last = t.executeAsync(SidecarCall.get("live", "/last"), Health.class);
            assertThat(cancelled.cancel(false)).isTrue();
            held.release.countDown();
            assertThat(CompletableFuture.allOf(first, last)).succeedsWithin(Duration.ofSeconds(10));
            assertThat(held.paths).containsExactlyInAnyOrder("/first", "/last"); // the queue is FIFO: its turn came first
            assertThat(cancelled).isCancelled();
        }
    }

    @Test
    void aCallbackThatWaitsForAnotherAsyncCallOfTheSameClientHoldsNoPlace() {
        server.stubFor(get("/healthz/live").willReturn(okJson("{\"status\":\"UP\"}")));
        try (Transport t = new Transport(config().maxAsyncCalls(1).build())) {
            CompletableFuture<Health> chained = t.executeAsync(SidecarCall.get("live", "/healthz/live"), Health.class)
                    .thenApply(first -> t.executeAsync(SidecarCall.get("live", "/healthz/live"), Health.class).join());
            assertThat(chained).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(new Health("UP"));
        }
    }

    @Test
    void aLongPollIsNotQueuedBehindOrdinaryAsyncCalls() throws Exception {
        try (HeldServer held = new HeldServer(); Transport t = new Transport(config().baseUrl(held.url()).maxAsyncCalls(1).build())) {
            CompletableFuture<Health> ordinary = t.executeAsync(SidecarCall.get("live", "/healthz/live"), Health.class);
            await().atMost(Duration.ofSeconds(10)).until(held.arrived::get, n -> n == 1);
            CompletableFuture<Health> longPoll = t.executeAsync(
                    SidecarCall.get("watch", "/watch").withLongPoll(Duration.ofSeconds(5)), Health.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> held.paths.contains("/watch"));
            held.release.countDown();
            assertThat(ordinary).succeedsWithin(Duration.ofSeconds(10));
            assertThat(longPoll).succeedsWithin(Duration.ofSeconds(10));
        }
    }

    /** A server that holds every request until released, counting those that arrived and the most in flight at once. */
    private static final class HeldServer implements AutoCloseable {
        final AtomicInteger arrived = new AtomicInteger();
        final AtomicInteger mostInFlight = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);
        final Set<String> paths = ConcurrentHashMap.newKeySet();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final ExecutorService threads = Executors.newCachedThreadPool();
        private final HttpServer server;

        HeldServer() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            server.setExecutor(threads);
            server.createContext("/", exchange -> {
                mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                paths.add(exchange.getRequestURI().getPath());
                arrived.incrementAndGet();
                try {
                    release.await(30, TimeUnit.SECONDS);
                    byte[] body = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    inFlight.decrementAndGet();
                    exchange.close();
                }
            });
            server.start();
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        @Override
        public void close() {
            release.countDown();
            server.stop(0);
            threads.shutdownNow();
        }
    }
}

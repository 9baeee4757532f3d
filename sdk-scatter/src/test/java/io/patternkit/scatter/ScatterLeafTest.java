package io.patternkit.scatter;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.patternkit.management.ManagementServer;
import io.patternkit.core.SidecarConfig;
import io.patternkit.core.contract.ContractValidator;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import io.patternkit.scatter.internal.LeafEndpoint;
import io.patternkit.scatter.internal.LeafRegistration;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The leaf side: registration, heartbeats and deregistration against a WireMock root (requests validated
 * against the contract), and the leaf endpoint over real HTTP (calls and answers validated against the
 * contract's leaf operations), including cancellation on close and on the passed-down deadline.
 */
class ScatterLeafTest {
    private static final String LEAVES = "/v1/pools/search/leaves/leaf-1";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final MediaType JSON = MediaType.get("application/json");

    record Query(String q, int limit) {
    }

    record Hits(List<String> ids) {
    }

    private final WireMockServer root = new WireMockServer(options().dynamicPort());
    private final OkHttpClient http = new OkHttpClient();
    private ManagementServer server;
    private ScatterClient client;

    @BeforeEach
    void start() {
        root.start();
        client = ScatterClient.create(SidecarConfig.builder().baseUrl(URI.create(root.baseUrl())).maxRetries(0)
                .callTimeout(Duration.ofSeconds(2)).circuitBreakerWindow(1000).build());
        server = ManagementServer.builder().build().start();
    }

    @AfterEach
    void stop() {
        server.close();
        client.close();
        try {
            ContractValidator.assertAllRequestsValid(root);
        } finally {
            root.stop();
        }
    }

    private static String registered(int ttlMs) {
        return "{\"pool\":\"search\",\"leafId\":\"leaf-1\",\"shard\":\"s1\",\"url\":\"http://x/y\",\"ttlMs\":" + ttlMs
                + ",\"expiresInMs\":" + ttlMs + "}";
    }

    private ScatterLeaf.Builder leaf() {
        return ScatterLeaf.builder(client, server).pool("search").shard("s1").leafId("leaf-1");
    }

    private long puts() {
        return root.getAllServeEvents().stream().filter(e -> e.getRequest().getMethod().getName().equals("PUT")).count();
    }

    @Test
    void aLeafStartedWhenItsLifecycleIsDrainingIsClosedAgainInsteadOfLeakingItsHeartbeatAndPath() throws IOException {
        root.stubFor(put(LEAVES).willReturn(okJson(registered(1000))));
        root.stubFor(delete(LEAVES).willReturn(aResponse().withStatus(204)));
        Lifecycle draining = Lifecycle.create();
        draining.drain(Duration.ofSeconds(1));
        assertThatThrownBy(() -> leaf().ttl(Duration.ofSeconds(1)).handler(Query.class, (q, ctx) -> new Hits(List.of()))
                .lifecycle(draining).start()).isInstanceOf(IllegalStateException.class);
        root.verify(1, deleteRequestedFor(urlEqualTo(LEAVES)));
        try (Response r = http.newCall(new Request.Builder().url(server.baseUrl() + "/patternkit/leaf/search").build())
                .execute()) {
            assertThat(r.code()).as("the endpoint is unmounted").isEqualTo(404);
        }
        leaf().handler(Query.class, (q, ctx) -> new Hits(List.of())).start().close(); // the path is free again
    }

    @Test
    void aLeafTheApplicationClosesLeavesItsLifecycle() {
        root.stubFor(put(LEAVES).willReturn(okJson(registered(1000))));
        root.stubFor(delete(LEAVES).willReturn(aResponse().withStatus(204)));
        Lifecycle lifecycle = Lifecycle.create();
        ScatterLeaf leaf = leaf().handler(Query.class, (q, ctx) -> new Hits(List.of())).lifecycle(lifecycle).start();
        assertThat(lifecycle.info()).hasSize(1);
        leaf.close();
        assertThat(lifecycle.info()).isEmpty();
        assertThat(lifecycle.drain(Duration.ofSeconds(1)).steps()).isEmpty();
    }

    @Test
    void aLeafClosedOnAnInterruptedThreadStillLeavesItsPoolAndTheInterruptIsKept() {
        root.stubFor(put(LEAVES).willReturn(okJson(registered(1000))));
        root.stubFor(delete(LEAVES).willReturn(aResponse().withStatus(204)));
        ScatterLeaf leaf = leaf().ttl(Duration.ofSeconds(1)).handler(Query.class, (q, ctx) -> new Hits(List.of())).start();
        await().atMost(Duration.ofSeconds(5)).until(leaf::isRegistered);
        Thread.currentThread().interrupt(); // a close() in a finally after catching an InterruptedException
        try {
            leaf.close();
        } finally {
            assertThat(Thread.interrupted()).as("the caller's interrupt is kept").isTrue();
        }
        root.verify(1, deleteRequestedFor(urlEqualTo(LEAVES)));
    }

    @Test
    void registersHeartbeatsAtATthirdOfTheTtlAndLeavesOnClose() throws IOException {
        root.stubFor(put(LEAVES).willReturn(okJson(registered(1000))));
        root.stubFor(delete(LEAVES).willReturn(aResponse().withStatus(204)));
        ScatterLeaf leaf = leaf().ttl(Duration.ofSeconds(1)).handler(Query.class, (q, ctx) -> new Hits(List.of())).start();
        assertThat(leaf.url()).isEqualTo(URI.create(server.baseUrl() + "/patternkit/leaf/search"));
        await().atMost(Duration.ofSeconds(5)).until(() -> puts() >= 3);
        assertThat(leaf.isRegistered()).isTrue();
        root.verify(putRequestedFor(urlEqualTo(LEAVES)).withRequestBody(equalToJson(
                "{\"shard\":\"s1\",\"url\":\"" + leaf.url() + "\",\"ttlMs\":1000}")));
        leaf.close();
        long putsAtClose = puts();
        root.verify(1, deleteRequestedFor(urlEqualTo(LEAVES)));
        assertThat(leaf.isRegistered()).isFalse();
        try (Response r = http.newCall(new Request.Builder().url(leaf.url().toString()).build()).execute()) {
            assertThat(r.code()).as("the endpoint is unmounted").isEqualTo(404);
        }
        assertThat(puts()).as("no heartbeat after close").isEqualTo(putsAtClose);
    }

    @Test
    void keepsRetryingWhileTheRootIsDownAndWarnsOncePerOutage() {
        Logger logger = (Logger) LoggerFactory.getLogger(LeafRegistration.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Level level = logger.getLevel();
        logger.setLevel(Level.INFO);
        logger.addAppender(logs);
        try {
            root.stubFor(put(LEAVES).willReturn(aResponse().withStatus(503).withHeader("Content-Type", Wire.PROBLEM_JSON)
                    .withBody("{\"type\":\"" + ProblemType.ENGINE_UNAVAILABLE.uri() + "\",\"title\":\"x\",\"status\":503}")));
            ScatterLeaf leaf = leaf().ttl(Duration.ofSeconds(1)).register(true)
                    .handler(Query.class, (q, ctx) -> null).start();
            await().atMost(Duration.ofSeconds(5)).until(() -> puts() >= 3);
            assertThat(leaf.isRegistered()).isFalse();
            assertThat(logs.list.stream().filter(e -> e.getLevel() == Level.WARN)).hasSize(1);
            root.stubFor(put(LEAVES).willReturn(okJson(registered(1000))));
            await().atMost(Duration.ofSeconds(5)).until(leaf::isRegistered);
            // The flag turns before the line is logged, on the heartbeat thread: wait for the line too. The appender
            // adds under its own lock (AppenderBase.doAppend), so the list is copied under it.
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                synchronized (logs) {
                    return List.copyOf(logs.list);
                }
            }, events -> events.stream().filter(e -> e.getLevel() == Level.INFO).map(ILoggingEvent::getFormattedMessage)
                    .anyMatch(m -> m.contains("registered with the root sidecar again")));
            root.stubFor(delete(LEAVES).willReturn(aResponse().withStatus(204)));
            leaf.close();
        } finally {
            logger.detachAppender(logs);
            logger.setLevel(level);
        }
    }

    private Response callLeaf(ScatterLeaf leaf, String body, Map<String, String> headers) throws IOException {
        Request.Builder r = new Request.Builder().url(leaf.url().toString()).post(RequestBody.create(body, JSON));
        headers.forEach(r::header);
        return http.newCall(r.build()).execute();
    }

    private static Map<String, String> leafHeaders(long deadlineMs, int attempt) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        h.put(Wire.HEADER_DEADLINE_MS, Long.toString(deadlineMs));
        h.put(Wire.HEADER_SCATTER_ID, "sc-7");
        h.put(Wire.HEADER_ATTEMPT, Integer.toString(attempt));
        return h;
    }

    private static String leafCall(String request) {
        return "{\"pool\":\"search\",\"shard\":\"s1\",\"scatterId\":\"sc-7\",\"request\":" + request + "}";
    }

    /** Sends a leaf call, checks request and answer against the contract, and returns status and body. */
    private JsonNode exchange(ScatterLeaf leaf, String body, Map<String, String> headers, int expectedStatus)
            throws IOException {
        String path = leaf.url().getPath();
        ContractValidator.assertRequestValid("POST", path, headers, body);
        try (Response r = callLeaf(leaf, body, headers)) {
            String answer = r.body().string();
            assertThat(r.code()).as(answer).isEqualTo(expectedStatus);
            ContractValidator.assertResponseValid("POST", path, r.code(), r.header("Content-Type"), answer);
            return MAPPER.readTree(answer);
        }
    }

    @Test
    void servesTypedCallsWithTheirContextAndAnswersLeafInfo() throws IOException {
        AtomicReference<String> seen = new AtomicReference<>();
        try (ScatterLeaf leaf = leaf().register(false).handler(Query.class, (q, ctx) -> {
            seen.set(ctx.pool() + "/" + ctx.shard() + "/" + ctx.leafId() + "/" + ctx.scatterId() + "/" + ctx.attempt()
                    + "/" + (ctx.remaining().compareTo(Duration.ofMillis(800)) <= 0 && !ctx.remaining().isZero())
                    + "/" + ctx.isCancelled());
            return new Hits(List.of(q.q() + "-" + q.limit()));
        }).start()) {
            JsonNode part = exchange(leaf, leafCall("{\"q\":\"tail\",\"limit\":3}"), leafHeaders(800, 2), 200);
            assertThat(part.toString()).isEqualTo("{\"ids\":[\"tail-3\"]}");
            assertThat(seen.get()).isEqualTo("search/s1/leaf-1/sc-7/2/true/false");
            try (Response r = http.newCall(new Request.Builder().url(leaf.url().toString()).build()).execute()) {
                String info = r.body().string();
                ContractValidator.assertResponseValid("GET", leaf.url().getPath(), r.code(), r.header("Content-Type"), info);
                assertThat(MAPPER.readTree(info).toString())
                        .isEqualTo("{\"pool\":\"search\",\"shard\":\"s1\",\"leafId\":\"leaf-1\"}");
            }
        }
        assertThat(root.getAllServeEvents()).as("register(false) sends nothing").isEmpty();
    }

    @Test
    void aHandlerFailureIsALeafFailedProblemWithoutTheMessage() throws IOException {
        try (ScatterLeaf leaf = leaf().register(false).handler(Query.class, (q, ctx) -> {
            throw new IOException("index /data/secret-customer corrupt");
        }).start()) {
            JsonNode problem = exchange(leaf, leafCall("{\"q\":\"x\",\"limit\":1}"), leafHeaders(500, 1), 500);
            assertThat(problem.get("type").asText()).isEqualTo(ProblemType.LEAF_FAILED.uri());
            assertThat(problem.get("detail").asText()).contains("java.io.IOException").doesNotContain("secret");
        }
    }

    @Test
    void badCallsAre400s() throws IOException {
        try (ScatterLeaf leaf = leaf().register(false).handler(Query.class, (q, ctx) -> new Hits(List.of())).start()) {
            for (String bad : List.of("[1]", "{\"pool\":\"search\"}", leafCall("{\"q\":[],\"limit\":\"many\"}"),
                    "{\"pool\":\"other\",\"shard\":\"s1\",\"scatterId\":\"x\",\"request\":{}}",
                    "{\"pool\":\"search\",\"shard\":\"s9\",\"scatterId\":\"x\",\"request\":{}}",
                    // Found by ScatterEndpointsContractFuzzTest: these were answered 200.
                    "{\"pool\":\"search\",\"shard\":\"s1\",\"scatterId\":\"x\",\"request\":{},\"extra\":1}",
                    "{\"pool\":\"search\",\"shard\":\"s1\",\"scatterId\":74,\"request\":{}}",
                    "{\"shard\":\"s1\",\"scatterId\":\"x\",\"request\":{}}",
                    "{\"pool\":\"search\",\"shard\":\"s1\",\"scatterId\":\"\\ud800\",\"request\":{}}")) {
                try (Response r = callLeaf(leaf, bad, leafHeaders(100, 1))) {
                    String answer = r.body().string();
                    assertThat(r.code()).as(bad + " -> " + answer).isEqualTo(400);
                    assertThat(MAPPER.readTree(answer).get("type").asText()).isEqualTo(ProblemType.INVALID_REQUEST.uri());
                }
            }
            Map<String, String> h = leafHeaders(100, 1);
            // A call with no time left is not sent (0 is refused), and none has more than the root's longest deadline,
            // so that a stranger's 9223372036854775807 cannot overflow the leaf's timer.
            for (String deadline : List.of("soon", "0", "60001", "9223372036854775807")) {
                h.put(Wire.HEADER_DEADLINE_MS, deadline);
                try (Response r = callLeaf(leaf, leafCall("{}"), h)) {
                    assertThat(r.code()).as(deadline).isEqualTo(400);
                    assertThat(r.body().string()).contains(Wire.HEADER_DEADLINE_MS);
                }
            }
            try (Response r = http.newCall(new Request.Builder().url(leaf.url().toString())
                    .delete().build()).execute()) {
                assertThat(r.code()).isEqualTo(405);
            }
        }
    }

    @Test
    void theHandlerIsCancelledWhenTheRootClosesTheConnection() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        try (ScatterLeaf leaf = leaf().register(false).handler(Query.class, (q, ctx) -> {
            ctx.whenCancelled().thenRun(cancelled::countDown);
            entered.countDown();
            cancelled.await(10, TimeUnit.SECONDS);
            return new Hits(List.of());
        }).start()) {
            Socket socket = new Socket("127.0.0.1", server.port());
            byte[] body = leafCall("{\"q\":\"x\",\"limit\":1}").getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + leaf.url().getPath() + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + Wire.HEADER_DEADLINE_MS + ": 30000\r\n" + Wire.HEADER_SCATTER_ID + ": sc-1\r\n"
                    + Wire.HEADER_ATTEMPT + ": 1\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            assertThat(entered.await(5, TimeUnit.SECONDS)).as("the handler was called").isTrue();
            assertThat(cancelled.getCount()).as("not cancelled while the root waits").isEqualTo(1);
            socket.close();
            assertThat(cancelled.await(5, TimeUnit.SECONDS)).as("cancelled after the close").isTrue();
        }
    }

    @Test
    void aCallsDeadlineCancelsOnTimeWhileAHeartbeatWaitsForASlowRoot() throws Exception {
        // The first heartbeat starts with the leaf and waits for the root until the client's call timeout (2 s).
        root.stubFor(put(LEAVES).willReturn(okJson(registered(3000)).withFixedDelay(10_000)));
        root.stubFor(delete(LEAVES).willReturn(aResponse().withStatus(204)));
        AtomicReference<Duration> cancelledAfter = new AtomicReference<>();
        try (ScatterLeaf leaf = leaf().ttl(Duration.ofSeconds(3)).handler(Query.class, (q, ctx) -> {
            long entered = System.nanoTime();
            ctx.whenCancelled().toCompletableFuture().get(10, TimeUnit.SECONDS);
            cancelledAfter.set(Duration.ofNanos(System.nanoTime() - entered));
            return new Hits(List.of());
        }).start();
                Response r = callLeaf(leaf, leafCall("{\"q\":\"x\",\"limit\":1}"), leafHeaders(200, 1))) {
            assertThat(r.code()).isEqualTo(504);
        }
        assertThat(cancelledAfter.get()).as("at the call's 200 ms deadline, not behind the heartbeat's 2 s wait")
                .isLessThan(Duration.ofMillis(1_500));
    }

    @Test
    void aHandlerThatGivesUpOnCancellationIsNotLoggedAsAFailure() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(LeafEndpoint.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        CountDownLatch entered = new CountDownLatch(1);
        try (ScatterLeaf leaf = leaf().register(false).handler(Query.class, (q, ctx) -> {
            entered.countDown();
            ctx.whenCancelled().toCompletableFuture().get(10, TimeUnit.SECONDS);
            throw new CancellationException("the root went away");
        }).start()) {
            Socket socket = new Socket("127.0.0.1", server.port());
            byte[] body = leafCall("{\"q\":\"x\",\"limit\":1}").getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + leaf.url().getPath() + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + Wire.HEADER_DEADLINE_MS + ": 30000\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            assertThat(entered.await(5, TimeUnit.SECONDS)).as("the handler was called").isTrue();
            socket.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> leafCalls("cancelled") == 1);
            assertThat(leafCalls("failed")).isZero();
            assertThat(logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .map(ILoggingEvent::getFormattedMessage)).as("a lost hedge is not a failure").isEmpty();
        } finally {
            logger.detachAppender(logs);
        }
    }

    private long leafCalls(String status) {
        var timer = client.config().meterRegistry().find(ScatterMetrics.LEAF_CALLS).tag(ScatterMetrics.TAG_STATUS, status)
                .timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void theHandlerIsCancelledWhenTheBudgetRunsOutAndTheAnswerIs504() throws IOException {
        try (ScatterLeaf leaf = leaf().register(false).handler(Query.class, (q, ctx) -> {
            ctx.whenCancelled().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(ctx.remaining()).isEqualTo(Duration.ZERO);
            return new Hits(List.of("late"));
        }).start()) {
            JsonNode problem = exchange(leaf, leafCall("{\"q\":\"x\",\"limit\":1}"), leafHeaders(50, 1), 504);
            assertThat(problem.get("type").asText()).isEqualTo(ProblemType.DEADLINE_EXCEEDED.uri());
        }
    }

    @Test
    void aTokenOnTheServerGuardsTheLeaf() throws IOException {
        try (ManagementServer guarded = ManagementServer.builder().apiToken("t0k").build().start();
                ScatterLeaf leaf = ScatterLeaf.builder(client, guarded).pool("search").shard("s1").register(false)
                        .handler(Query.class, (q, ctx) -> new Hits(List.of("ok"))).start()) {
            try (Response r = callLeaf(leaf, leafCall("{\"q\":\"x\",\"limit\":1}"), leafHeaders(100, 1))) {
                assertThat(r.code()).isEqualTo(401);
            }
            Map<String, String> h = leafHeaders(100, 1);
            h.put("Authorization", "Bearer t0k");
            try (Response r = callLeaf(leaf, leafCall("{\"q\":\"x\",\"limit\":1}"), h)) {
                assertThat(r.code()).isEqualTo(200);
            }
            assertThat(leaf.leafId()).endsWith("-" + guarded.port());
        }
    }
}

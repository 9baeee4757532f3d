package io.patternkit.scatter;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.patternkit.core.CallTimeoutException;
import io.patternkit.core.InvalidRequestException;
import io.patternkit.core.NotFoundException;
import io.patternkit.core.ProtocolException;
import io.patternkit.core.SidecarConfig;
import io.patternkit.core.SidecarUnavailableException;
import io.patternkit.core.UnauthorizedException;
import io.patternkit.core.contract.ContractValidator;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scatter call against WireMock (requests validated against the contract, the stubbed answers too,
 * NDJSON lines against their schemas), faults on the wire, and streaming against a server that holds
 * back later lines until the merger has seen the first.
 */
class ScatterProtocolTest {
    private static final String SCATTER = "/v1/pools/search/scatter";
    private static final String STATS = "\"stats\":{\"leafRequests\":4,\"hedgedRequests\":1,\"hedgesWon\":1,"
            + "\"cancelledRequests\":1}";

    record Query(String q) {
    }

    record Hits(List<String> ids) {
    }

    private final WireMockServer server = new WireMockServer(options().dynamicPort());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private ScatterClient client;

    @BeforeEach
    void start() {
        server.start();
        // A generous margin over each deadline: the first call to a cold WireMock can take seconds on a busy
        // machine. The call-timeout test has its own short-timeout client.
        client = ScatterClient.create(SidecarConfig.builder().baseUrl(URI.create(server.baseUrl())).apiToken("tok")
                .callTimeout(Duration.ofSeconds(10)).maxRetries(1).retryBackoff(Duration.ofMillis(5))
                .circuitBreakerWindow(1000).meterRegistry(registry).build());
    }

    @AfterEach
    void stop() {
        client.close();
        try {
            ContractValidator.assertAllRequestsValid(server);
        } finally {
            server.stop();
        }
    }

    private static String part(String shard, String status, String rest) {
        return "{\"event\":\"part\",\"shard\":\"" + shard + "\",\"status\":\"" + status + "\"," + rest + "}";
    }

    private static String done(boolean complete, boolean policyMet) {
        return "{\"event\":\"done\",\"pool\":\"search\",\"scatterId\":\"sc-1\",\"complete\":" + complete
                + ",\"policyMet\":" + policyMet + ",\"elapsedMs\":42," + STATS + "}";
    }

    private static ResponseDefinitionBuilder ndjson(String... lines) {
        for (String line : lines) {
            if (line.startsWith("{\"event\":\"done\"")) {
                ContractValidator.assertSchemaValid("ScatterDone", line);
            } else {
                ContractValidator.assertSchemaValid("ScatterPart", line);
            }
        }
        return aResponse().withStatus(200).withHeader("Content-Type", Wire.NDJSON)
                .withBody(String.join("\n", lines) + "\n");
    }

    private static final String S2 = part("s2", "answered", "\"leafId\":\"b\",\"latencyMs\":3,\"hedged\":false,"
            + "\"attempts\":1,\"response\":{\"ids\":[\"b1\"]}");
    private static final String S1 = part("s1", "answered", "\"leafId\":\"a\",\"latencyMs\":9,\"hedged\":true,"
            + "\"attempts\":2,\"response\":{\"ids\":[\"a1\",\"a2\"]}");
    private static final String S3 = part("s3", "timedOut", "\"reason\":\"no answer within 250 ms\",\"leafId\":\"c\","
            + "\"latencyMs\":250,\"hedged\":false,\"attempts\":1");

    @Test
    void streamsPartsToTheMergerInArrivalOrderAndSendsEveryOption() {
        server.stubFor(post(SCATTER).willReturn(ndjson(S2, S1, done(true, true))));
        List<String> order = new ArrayList<>();
        Merger<Hits, List<String>> merger = new Merger<>() {
            @Override
            public List<String> initial() {
                return new ArrayList<>();
            }

            @Override
            public List<String> merge(List<String> merged, Part<Hits> part) {
                order.add(part.shard() + "@" + part.leafId() + (part.hedged() ? "/hedged" : ""));
                merged.addAll(part.value().ids());
                return merged;
            }
        };
        GatherResult<List<String>> r = client.scatter("search", new Query("tail"), Hits.class, merger,
                ScatterOptions.builder().deadline(Duration.ofMillis(250)).leafTimeout(Duration.ofMillis(100))
                        .completion(Completion.firstN(2)).shards(List.of("s1", "s2"))
                        .hedging(Hedging.enabled().withDelayPercentile(99).withMaxExtraLoadPercent(2).withMaxHedges(3)).build());
        assertThat(order).containsExactly("s2@b", "s1@a/hedged");
        assertThat(r.value()).containsExactly("b1", "a1", "a2");
        assertThat(r.scatterId()).isEqualTo("sc-1");
        assertThat(r.elapsed()).isEqualTo(Duration.ofMillis(42));
        assertThat(r.stats()).isEqualTo(new GatherStats(4, 1, 1, 1));
        assertThat(r.shard("s1").orElseThrow().attempts()).isEqualTo(2);
        server.verify(postRequestedFor(urlEqualTo(SCATTER)).withHeader("Authorization", equalTo("Bearer tok"))
                .withHeader("Accept", equalTo(Wire.NDJSON + ", application/json, application/problem+json"))
                .withRequestBody(equalToJson("{\"request\":{\"q\":\"tail\"},\"deadlineMs\":250,\"leafTimeoutMs\":100,"
                        + "\"completion\":{\"policy\":\"firstN\",\"n\":2},\"hedging\":{\"enabled\":true,"
                        + "\"delayPercentile\":99.0,\"maxExtraLoadPercent\":2.0,\"maxHedges\":3},\"shards\":[\"s1\",\"s2\"]}")));
        assertThat(registry.get(ScatterMetrics.SHARDS).tag("status", "answered").counter().count()).isEqualTo(2);
    }

    @Test
    void aPartialAnswerNamesTheMissingShardAndKeepsTheArrivedParts() {
        server.stubFor(post(SCATTER).willReturn(ndjson(S2, S3, done(false, false))));
        GatherResult<List<Hits>> r = client.scatter("search", new Query("x"), Hits.class, Merger.toList());
        assertThatThrownBy(r::value).isInstanceOf(PartialResultException.class)
                .hasMessageContaining("s3 timedOut (no answer within 250 ms)");
        assertThat(r.partialValue()).containsExactly(new Hits(List.of("b1")));
        assertThat(r.missing()).extracting(ShardOutcome::status).containsExactly(ShardStatus.TIMED_OUT);
        server.verify(postRequestedFor(urlEqualTo(SCATTER)).withRequestBody(equalToJson(
                "{\"request\":{\"q\":\"x\"},\"deadlineMs\":1000,\"completion\":{\"policy\":\"all\"}}")));
    }

    @Test
    void aPartThatCannotBeReadAsThePartTypeFailsItsShard() {
        String odd = part("s1", "answered", "\"leafId\":\"a\",\"latencyMs\":1,\"hedged\":false,\"attempts\":1,"
                + "\"response\":{\"ids\":\"not-a-list\"}");
        server.stubFor(post(SCATTER).willReturn(ndjson(odd, S2, done(true, true))));
        GatherResult<List<Hits>> r = client.scatter("search", new Query("x"), Hits.class, Merger.toList());
        assertThat(r.isComplete()).isFalse();
        ShardOutcome s1 = r.shard("s1").orElseThrow();
        assertThat(s1.status()).isEqualTo(ShardStatus.FAILED);
        assertThat(s1.reason().orElseThrow()).contains(Hits.class.getName()).contains("ids");
        assertThat(r.partialValue()).containsExactly(new Hits(List.of("b1")));
        assertThat(r.policyMet()).as("the root met 'all' with both shards; here one of two is left").isFalse();
        assertThatThrownBy(r::valueIfPolicyMet).isInstanceOf(PartialResultException.class);
    }

    @Test
    void aPlainJsonAnswerIsReadToo() {
        String body = "{\"pool\":\"search\",\"scatterId\":\"sc-9\",\"complete\":true,\"policyMet\":true,\"elapsedMs\":5,"
                + "\"shards\":[{\"shard\":\"s1\",\"status\":\"answered\",\"leafId\":\"a\",\"latencyMs\":2,\"hedged\":false,"
                + "\"attempts\":1,\"response\":{\"ids\":[\"z\"]}}]," + STATS + "}";
        ContractValidator.assertResponseValid("POST", SCATTER, 200, "application/json", body);
        server.stubFor(post(SCATTER).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(body)));
        assertThat(client.scatter("search", new Query("x"), Hits.class, Merger.toList()).value())
                .containsExactly(new Hits(List.of("z")));
    }

    @Test
    void aMergeContainerScatterReturnsTheMergedAnswerOrItsError() {
        String merged = "{\"pool\":\"search\",\"scatterId\":\"sc-m\",\"complete\":true,\"policyMet\":true,\"elapsedMs\":5,"
                + "\"shards\":[{\"shard\":\"s1\",\"status\":\"answered\",\"leafId\":\"a\",\"latencyMs\":2,\"hedged\":false,"
                + "\"attempts\":1,\"response\":{\"ids\":[\"z\"]}}]," + STATS + ",\"merged\":{\"ids\":[\"z\",\"y\"]}}";
        ContractValidator.assertResponseValid("POST", SCATTER, 200, "application/json", merged);
        server.stubFor(post(SCATTER).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(merged)));
        ScatterOptions options = ScatterOptions.builder().mergeUrl(URI.create("http://127.0.0.1:7500/merge"))
                .mergeTimeout(Duration.ofMillis(300)).build();
        assertThat(client.scatterMerged("search", new Query("x"), Hits.class, options).value())
                .isEqualTo(new Hits(List.of("z", "y")));
        server.verify(postRequestedFor(urlEqualTo(SCATTER)).withHeader("Accept", equalTo(
                "application/json, application/problem+json")).withRequestBody(equalToJson("{\"request\":{\"q\":\"x\"},"
                + "\"deadlineMs\":1000,\"completion\":{\"policy\":\"all\"},\"mergeUrl\":\"http://127.0.0.1:7500/merge\","
                + "\"mergeTimeoutMs\":300}")));

        String failed = merged.replace(",\"merged\":{\"ids\":[\"z\",\"y\"]}", ",\"mergeError\":\"merge answered 500\"");
        ContractValidator.assertResponseValid("POST", SCATTER, 200, "application/json", failed);
        server.stubFor(post(SCATTER).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(failed)));
        GatherResult<Hits> r = client.scatterMerged("search", new Query("x"), Hits.class, options);
        assertThatThrownBy(r::value).isInstanceOf(MergeFailedException.class).hasMessageContaining("merge answered 500");
        assertThatThrownBy(() -> client.scatterMerged("search", 1, Hits.class, ScatterOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mergeUrl");
        assertThatThrownBy(() -> client.scatter("search", 1, Hits.class, Merger.toList(), options))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scatterMerged");
    }

    @Test
    void leavesListsEveryShardWithItsReplicas() {
        String path = "/v1/pools/search/leaves";
        String body = "{\"pool\":\"search\",\"shards\":[{\"shard\":\"s1\",\"replicas\":["
                + "{\"leafId\":\"pod-a\",\"url\":\"http://10.0.0.5:7400/patternkit/leaf/search\",\"source\":\"registered\","
                + "\"expiresInMs\":8200},{\"leafId\":\"static-1\",\"url\":\"http://10.0.0.9:7400/l\",\"source\":\"static\"}]},"
                + "{\"shard\":\"s2\",\"replicas\":[{\"leafId\":\"10.0.0.7\",\"url\":\"http://10.0.0.7:7400/patternkit/leaf/search\","
                + "\"source\":\"dns\"}]}]}";
        ContractValidator.assertResponseValid("GET", path, 200, "application/json", body);
        server.stubFor(get(path).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(body)));

        PoolLeaves leaves = client.leaves("search");

        assertThat(leaves.pool()).isEqualTo("search");
        assertThat(leaves.shards()).extracting(PoolLeaves.Shard::shard).containsExactly("s1", "s2");
        assertThat(leaves.leafIds("s1")).containsExactly("pod-a", "static-1");
        assertThat(leaves.shard("s1").orElseThrow().replicas().get(0)).isEqualTo(new PoolLeaves.Replica("pod-a",
                URI.create("http://10.0.0.5:7400/patternkit/leaf/search"), PoolLeaves.Source.REGISTERED,
                java.util.Optional.of(Duration.ofMillis(8200))));
        assertThat(leaves.shard("s1").orElseThrow().replicas().get(1).expiresIn()).isEmpty();
        assertThat(leaves.shard("s2").orElseThrow().replicas().get(0).source()).isEqualTo(PoolLeaves.Source.DNS);
        assertThat(leaves.contains("10.0.0.7")).isTrue();
        assertThat(leaves.contains("pod-z")).isFalse();
        assertThat(leaves.leafIds("s9")).isEmpty();
        server.verify(getRequestedFor(urlEqualTo(path)).withHeader("Authorization", equalTo("Bearer tok")));
    }

    @Test
    void leavesOfAnUnknownPoolIsEmptyAndFailuresAreTyped() {
        String empty = "{\"pool\":\"nobody\",\"shards\":[]}";
        ContractValidator.assertResponseValid("GET", "/v1/pools/nobody/leaves", 200, "application/json", empty);
        server.stubFor(get("/v1/pools/nobody/leaves").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(empty)));
        assertThat(client.leaves("nobody").shards()).isEmpty();

        server.stubFor(get("/v1/pools/locked/leaves").willReturn(problem(ProblemType.UNAUTHORIZED, "bearer token required")));
        assertThatThrownBy(() -> client.leaves("locked")).isInstanceOf(UnauthorizedException.class);

        // Outside the contract (an unknown source, a replica without url): a protocol error, not a half-read answer.
        server.stubFor(get("/v1/pools/odd/leaves").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"pool\":\"odd\",\"shards\":[{\"shard\":\"s1\","
                        + "\"replicas\":[{\"leafId\":\"a\",\"url\":\"http://x/\",\"source\":\"gossip\"}]}]}")));
        assertThatThrownBy(() -> client.leaves("odd")).isInstanceOf(ProtocolException.class).hasMessageContaining("gossip");
        server.stubFor(get("/v1/pools/odd2/leaves").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"pool\":\"odd2\",\"shards\":[{\"shard\":\"s1\","
                        + "\"replicas\":[{\"leafId\":\"a\",\"source\":\"static\"}]}]}")));
        assertThatThrownBy(() -> client.leaves("odd2")).isInstanceOf(ProtocolException.class).hasMessageContaining("url");

        int before = server.getAllServeEvents().size();
        assertThatThrownBy(() -> client.leaves("bad pool")).isInstanceOf(IllegalArgumentException.class);
        assertThat(server.getAllServeEvents()).hasSize(before);
    }

    @Test
    void invalidArgumentsFailBeforeAnythingIsSent() {
        assertThatThrownBy(() -> client.scatter("bad pool", 1, Hits.class, Merger.toList()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pool");
        assertThat(server.getAllServeEvents()).isEmpty();
    }

    @Test
    void problemAnswersMapToTheTypedExceptions() {
        server.stubFor(post(SCATTER).willReturn(problem(ProblemType.INVALID_REQUEST, "completion.n exceeds the shards")));
        assertThatThrownBy(() -> client.scatter("search", 1, Hits.class, Merger.toList()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("completion.n");
        server.stubFor(post("/v1/pools/empty/scatter").willReturn(problem(ProblemType.NOT_FOUND, "pool has no leaves")));
        assertThatThrownBy(() -> client.scatter("empty", 1, Hits.class, Merger.toList()))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("no leaves");
    }

    private static ResponseDefinitionBuilder problem(ProblemType type, String detail) {
        return aResponse().withStatus(type.status()).withHeader("Content-Type", Wire.PROBLEM_JSON)
                .withBody("{\"type\":\"" + type.uri() + "\",\"title\":\"" + type.title() + "\",\"status\":"
                        + type.status() + ",\"detail\":\"" + detail + "\"}");
    }

    @Test
    void aResetIsAnOutageAndIsNotRetriedOnceSent() throws Exception {
        // A real reset (SO_LINGER 0 once the request has arrived): WireMock's CONNECTION_RESET_BY_PEER fault
        // sends no RST on some JDK and Jetty combinations (wiremock/wiremock#2033, #812), and the client then
        // waits for its read timeout instead.
        AtomicInteger accepted = new AtomicInteger();
        try (ServerSocket resetting = new ServerSocket(0, 50,
                InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!resetting.isClosed()) {
                    try (Socket s = resetting.accept()) {
                        accepted.incrementAndGet();
                        s.getInputStream().read(new byte[8192]);
                        s.setSoLinger(true, 0);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "resetting-root");
            acceptor.setDaemon(true);
            acceptor.start();
            try (ScatterClient resetClient = ScatterClient.create(SidecarConfig.builder()
                    .baseUrl(URI.create("http://127.0.0.1:" + resetting.getLocalPort())).callTimeout(Duration.ofSeconds(5))
                    .maxRetries(1).retryBackoff(Duration.ofMillis(5)).build())) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> resetClient.scatter("search", 1, Hits.class, Merger.toList()))
                        .isInstanceOf(SidecarUnavailableException.class);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a reset, not a read timeout")
                        .isLessThan(Duration.ofSeconds(5));
            }
        }
        assertThat(accepted).as("sent once, not retried").hasValue(1);
    }

    @Test
    void garbageAndTruncatedStreamsAreProtocolErrors() {
        server.stubFor(post(SCATTER).willReturn(aResponse().withStatus(200).withHeader("Content-Type", Wire.NDJSON)
                .withBody(S2 + "\n{not json\n")));
        assertThatThrownBy(() -> client.scatter("search", 1, Hits.class, Merger.toList()))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("not JSON");
        server.stubFor(post(SCATTER).willReturn(ndjson(S2)));
        assertThatThrownBy(() -> client.scatter("search", 1, Hits.class, Merger.toList()))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("'done'");
        server.stubFor(post(SCATTER).willReturn(ndjson(S2, S2, done(false, false))));
        assertThatThrownBy(() -> client.scatter("search", 1, Hits.class, Merger.toList()))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("twice");
        server.stubFor(post(SCATTER).willReturn(ndjson(S2, done(true, true))));
        assertThatThrownBy(() -> client.scatter("search", 1, Hits.class, Merger.toList(),
                ScatterOptions.builder().shards(List.of("s2", "s7")).build()))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("s7");
        server.stubFor(post(SCATTER).willReturn(aResponse().withStatus(200).withHeader("Content-Type", Wire.NDJSON)
                .withFault(Fault.RANDOM_DATA_THEN_CLOSE)));
        assertThatThrownBy(() -> client.scatter("search", 1, Hits.class, Merger.toList()))
                .isInstanceOf(io.patternkit.core.PatternkitException.class);
    }

    @Test
    void aRootSlowerThanDeadlinePlusCallTimeoutIsACallTimeout() {
        server.stubFor(post(SCATTER).willReturn(ndjson(S2, done(true, true)).withFixedDelay(3000)));
        try (ScatterClient impatient = ScatterClient.create(SidecarConfig.builder().baseUrl(URI.create(server.baseUrl()))
                .apiToken("tok").callTimeout(Duration.ofMillis(500)).maxRetries(1).build())) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> impatient.scatter("search", 1, Hits.class, Merger.toList(),
                    ScatterOptions.builder().deadline(Duration.ofMillis(100)).build()))
                    .isInstanceOf(CallTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
        }
    }

    @Test
    void aMergedScatterWaitsForTheRootsMergeBudgetToo() {
        String merged = "{\"pool\":\"search\",\"scatterId\":\"sc-m\",\"complete\":true,\"policyMet\":true,\"elapsedMs\":5,"
                + "\"shards\":[{\"shard\":\"s1\",\"status\":\"answered\",\"leafId\":\"a\",\"latencyMs\":2,\"hedged\":false,"
                + "\"attempts\":1,\"response\":{\"ids\":[\"z\"]}}]," + STATS + ",\"merged\":{\"ids\":[\"z\"]}}";
        // The root may take the deadline plus the merge's budget: a slow merge answers after deadline + call timeout.
        server.stubFor(post(SCATTER).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(merged).withFixedDelay(2500))); // past the old limit, 0.5 s + the wait rounded up to 1 s
        try (ScatterClient impatient = ScatterClient.create(SidecarConfig.builder().baseUrl(URI.create(server.baseUrl()))
                .apiToken("tok").callTimeout(Duration.ofMillis(500)).maxRetries(1).build())) {
            ScatterOptions options = ScatterOptions.builder().deadline(Duration.ofMillis(100))
                    .mergeUrl(URI.create("http://127.0.0.1:7500/merge")).mergeTimeout(Duration.ofSeconds(5)).build();
            assertThat(impatient.scatterMerged("search", 1, Hits.class, options).value()).isEqualTo(new Hits(List.of("z")));
        }
    }

    @Test
    void aMergerExceptionPropagatesAndAbandonsTheScatter() {
        server.stubFor(post(SCATTER).willReturn(ndjson(S2, S1, done(true, true))));
        Merger<Hits, Integer> broken = Merger.of(() -> 0, (n, h) -> {
            throw new IllegalStateException("merger bug");
        });
        assertThatThrownBy(() -> client.scatter("search", 1, Hits.class, broken))
                .isInstanceOf(IllegalStateException.class).hasMessage("merger bug");
    }

    @Test
    void theMergerSeesAPartBeforeLaterPartsAreSent() throws Exception {
        CountDownLatch firstMerged = new CountDownLatch(1);
        boolean[] heldBack = new boolean[1];
        HttpServer root = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        root.createContext(SCATTER, exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", Wire.NDJSON);
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write((S2 + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                try {
                    heldBack[0] = firstMerged.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                out.write((S1 + "\n" + done(true, true) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        });
        root.start();
        try (ScatterClient streaming = ScatterClient.create(SidecarConfig.builder()
                .baseUrl(URI.create("http://127.0.0.1:" + root.getAddress().getPort())).build())) {
            Merger<Hits, List<String>> merger = Merger.of(ArrayList::new, (list, h) -> {
                list.addAll(h.ids());
                firstMerged.countDown();
                return list;
            });
            GatherResult<List<String>> r = streaming.scatter("search", 1, Hits.class, merger);
            assertThat(heldBack[0]).as("the first part was merged while the root still held the rest").isTrue();
            assertThat(r.value()).containsExactly("b1", "a1", "a2");
        } finally {
            root.stop(0);
        }
    }
}

package io.patternkit.workqueue;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.patternkit.core.ProtocolException;
import io.patternkit.core.SidecarConfig;
import io.patternkit.core.SidecarReadiness;
import io.patternkit.core.contract.ContractValidator;
import io.patternkit.workqueue.internal.ConsumerSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every WorkQueue operation against WireMock; every request sent is validated against the OpenAPI contract. */
class WorkQueueProtocolTest {
    private static final String Q = "/v1/queues/jobs";
    private static final String T0 = "2026-01-01T00:00:00Z";
    private static final String T1 = "2026-01-01T00:00:30Z";

    record Order(String id, int qty) {
    }

    private final WireMockServer server = new WireMockServer(options().dynamicPort());
    private WorkQueueClient client;
    private WorkQueue queue;

    @BeforeEach
    void start() {
        server.start();
        client = WorkQueueClient.create(SidecarConfig.builder().baseUrl(URI.create(server.baseUrl()))
                .apiToken("tok").build());
        queue = client.queue("jobs");
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

    private static String item(String id, String receipt, int attempt, String payloadOrFile) {
        return "{\"id\":\"" + id + "\",\"receipt\":\"" + receipt + "\",\"attempt\":" + attempt + ",\"maxAttempts\":5,"
                + payloadOrFile + ",\"priority\":2,\"enqueuedAt\":\"" + T0 + "\",\"visibleUntil\":\"" + T1 + "\"}";
    }

    @Test
    void readinessReportsTheProbesAnswerAndNeverThrows() {
        server.stubFor(get("/healthz/ready").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"status\":\"UP\"}")));
        assertThat(client.readiness()).isEqualTo(new SidecarReadiness(true, "UP", java.util.Optional.empty()));
        server.stubFor(get("/healthz/ready").willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"status\":\"DOWN\",\"detail\":\"draining\"}")));
        for (int i = 0; i < 30; i++) {
            assertThat(client.readiness()).isEqualTo(new SidecarReadiness(false, "DOWN",
                    java.util.Optional.of("draining")));
        }
        server.stubFor(post(Q + "/items").willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"i1\",\"duplicate\":false}")));
        assertThat(queue.enqueue(Enqueue.json("{}")).id()).as("30 unready probes leave the circuit breaker closed")
                .isEqualTo("i1");
    }

    @Test
    void readinessOfASidecarThatIsNotThereIsUnreachable() throws java.io.IOException {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        try (WorkQueueClient absent = WorkQueueClient.create(SidecarConfig.builder()
                .baseUrl(URI.create("http://127.0.0.1:" + closed)).build())) {
            assertThat(absent.readiness()).satisfies(r -> {
                assertThat(r.ready()).isFalse();
                assertThat(r.status()).isEqualTo("UNREACHABLE");
                assertThat(r.detail()).hasValueSatisfying(d -> assertThat(d).contains("127.0.0.1:" + closed));
            });
        }
    }

    @Test
    void enqueuesJsonWithEveryOption() {
        server.stubFor(post(Q + "/items").willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"i1\",\"duplicate\":false}")));
        EnqueueResult r = queue.enqueue(Enqueue.json(new Order("o-1", 3)).dedupKey("o-1").delay(Duration.ofSeconds(2))
                .priority(7).maxAttempts(3));
        assertThat(r).isEqualTo(new EnqueueResult("i1", false));
        server.verify(postRequestedFor(urlEqualTo(Q + "/items")).withHeader("Authorization", equalTo("Bearer tok"))
                .withRequestBody(equalToJson("{\"payload\":{\"id\":\"o-1\",\"qty\":3},\"dedupKey\":\"o-1\","
                        + "\"delayMs\":2000,\"priority\":7,\"maxAttempts\":3}")));
    }

    @Test
    void enqueuesAFileReferenceAsync() {
        server.stubFor(post(Q + "/items").willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"i2\",\"duplicate\":true}")));
        EnqueueResult r = queue.enqueueAsync(Enqueue.file(Path.of("/data/in/a.txt"))).join();
        assertThat(r.duplicate()).isTrue();
        server.verify(postRequestedFor(urlEqualTo(Q + "/items"))
                .withRequestBody(equalToJson("{\"fileRef\":\"/data/in/a.txt\"}")));
    }

    @Test
    void enqueueAllSplitsIntoBatchesOfAThousand() {
        StringBuilder thousand = new StringBuilder("{\"results\":[");
        for (int i = 0; i < 1000; i++) {
            thousand.append(i == 0 ? "" : ",").append("{\"id\":\"a").append(i).append("\",\"duplicate\":false}");
        }
        server.stubFor(post(Q + "/items/batch").atPriority(1)
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.items.length()",
                        equalTo("1000")))
                .willReturn(okJson(thousand.append("]}").toString())));
        server.stubFor(post(Q + "/items/batch").atPriority(2)
                .willReturn(okJson("{\"results\":[{\"id\":\"b\",\"duplicate\":false}]}")));
        List<Enqueue> items = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            items.add(Enqueue.json(Map.of("n", i)));
        }
        List<EnqueueResult> results = queue.enqueueAll(items);
        assertThat(results).hasSize(1001);
        assertThat(results.get(1000).id()).isEqualTo("b");
        assertThat(server.getAllServeEvents()).hasSize(2);
        assertThat(queue.enqueueAll(List.of())).isEmpty();
    }

    @Test
    void numbersInPayloadsAreNeverRoundedEitherWay() {
        String exact = "{\"amount\":0.1000000000000000055511151231257827,\"id\":12345678901234567.89,\"price\":1.10,"
                + "\"big\":123456789012345678901234567890}";
        server.stubFor(post(Q + "/claim").willReturn(okJson("{\"items\":[" + item("i1", "r1", 1, "\"payload\":" + exact) + "]}")));
        assertThat(queue.claim(1, Duration.ofSeconds(30), Duration.ZERO).get(0).payloadJson()).contains(exact);
        assertThat(Enqueue.json(exact).payloadJson()).contains(exact);
        assertThat(Enqueue.json("[1e400]").payloadJson()).contains("[1E+400]"); // the same number, not "Infinity"
    }

    @Test
    void claimsJsonAndFileItems() {
        server.stubFor(post(Q + "/claim").willReturn(okJson("{\"items\":[" + item("i1", "r1", 1,
                "\"payload\":{\"id\":\"o-1\",\"qty\":3}") + "," + item("i2", "r2", 2, "\"fileRef\":\"/in/b.txt\"")
                + "]}")));
        List<WorkItem> items = queue.claim(10, Duration.ofSeconds(30), Duration.ofSeconds(1));
        assertThat(items).hasSize(2);
        WorkItem json = items.get(0);
        assertThat(json.payloadAs(Order.class)).isEqualTo(new Order("o-1", 3));
        assertThat(json.payloadJson()).contains("{\"id\":\"o-1\",\"qty\":3}");
        assertThat(json.isRedelivery()).isFalse();
        assertThat(json.enqueuedAt()).isEqualTo(Instant.parse(T0));
        assertThat(json.visibleUntil()).isEqualTo(Instant.parse(T1));
        assertThat(json.priority()).isEqualTo(2);
        WorkItem file = items.get(1);
        assertThat(file.file()).contains(Path.of("/in/b.txt"));
        assertThat(file.isRedelivery()).isTrue();
        assertThatThrownBy(() -> file.payloadAs(Order.class)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("file item");
        assertThatThrownBy(() -> json.payloadAs(Integer.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Integer");
        server.verify(postRequestedFor(urlEqualTo(Q + "/claim"))
                .withRequestBody(equalToJson("{\"max\":10,\"visibilityMs\":30000,\"waitMs\":1000,"
                        + "\"claimId\":\"${json-unit.regex}[A-Za-z0-9_-]{1,64}\"}")));
    }

    @Test
    void ackAndClaimCarriesTheAcksOnTheClaimAndReadsEachOutcome() {
        server.stubFor(post(Q + "/claim").willReturn(okJson("{\"items\":[" + item("i3", "r3", 1, "\"payload\":7")
                + "],\"acks\":[{\"receipt\":\"r1\",\"ok\":true},{\"receipt\":\"r2\",\"ok\":false,\"problem\":"
                + "{\"type\":\"urn:patternkit:problem:receipt-stale\",\"title\":\"stale\",\"detail\":\"gone\"}}]}")));
        AckedAndClaimed answer = queue.ackAndClaim(List.of("r1", "r2"), 4, Duration.ofSeconds(30), Duration.ZERO);
        assertThat(answer.acks()).extracting(BatchOutcome::ok).containsExactly(true, false);
        assertThat(answer.acks().get(1).problemType()).contains("urn:patternkit:problem:receipt-stale");
        assertThat(answer.items()).extracting(WorkItem::id).containsExactly("i3");
        server.verify(postRequestedFor(urlEqualTo(Q + "/claim"))
                .withRequestBody(equalToJson("{\"max\":4,\"visibilityMs\":30000,\"waitMs\":0,\"ack\":[\"r1\",\"r2\"]}")));

        server.stubFor(post(Q + "/claim").willReturn(okJson("{\"items\":[]}")));
        assertThat(queue.ackAndClaim(List.of(), 1, Duration.ofSeconds(30), Duration.ZERO).acks()).isEmpty();
        server.verify(postRequestedFor(urlEqualTo(Q + "/claim"))
                .withRequestBody(equalToJson("{\"max\":1,\"visibilityMs\":30000,\"waitMs\":0}")));
    }

    @Test
    void aClaimAnsweringTooFewAckOutcomesIsAProtocolError() {
        server.stubFor(post(Q + "/claim").willReturn(okJson("{\"items\":[],\"acks\":[]}")));
        assertThatThrownBy(() -> queue.ackAndClaim(List.of("r1"), 1, Duration.ofSeconds(30), Duration.ZERO))
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void claimsAsyncAndEmpty() {
        server.stubFor(post(Q + "/claim").willReturn(okJson("{\"items\":[]}")));
        assertThat(queue.claimAsync(1, Duration.ofMillis(500), Duration.ZERO).join()).isEmpty();
    }

    @Test
    void theAckLingerIsAtMostAQuarterOfTheVisibilityTimeoutSoAHandledItemIsAckedBeforeItLapses() {
        ConsumerListener none = new ConsumerListener() {
        };
        assertThat(new ConsumerSettings(1, 1, Duration.ofMillis(300), Duration.ZERO, Duration.ofSeconds(1),
                new SimpleMeterRegistry(), none).ackLinger()).isEqualTo(Duration.ofMillis(75));
        assertThat(new ConsumerSettings(1, 1, Duration.ofSeconds(30), Duration.ZERO, Duration.ofMillis(100),
                new SimpleMeterRegistry(), none).ackLinger()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aReasonIsCutToWhatTheWireTakesAndNeverCarriesUPlus0000() {
        // A handler's exception message may hold U+0000, which the sidecar refuses (PostgreSQL cannot store it): the
        // nack must still go through, or the item gets no backoff and a poison item is never dead-lettered at once.
        assertThat(Nack.deadLetter("bad \u0000 byte").reason()).contains("bad \uFFFD byte");
        assertThat(Nack.withBackoff().reason("x".repeat(Nack.MAX_REASON + 10)).reason().orElseThrow()).hasSize(Nack.MAX_REASON);
    }

    @Test
    void acksNacksAndExtends() {
        server.stubFor(post(Q + "/ack").willReturn(aResponse().withStatus(204)));
        server.stubFor(post(Q + "/nack").willReturn(okJson("{\"state\":\"delayed\",\"visibleAt\":\"" + T1 + "\"}")));
        server.stubFor(post(Q + "/extend").willReturn(okJson("{\"visibleUntil\":\"" + T1 + "\"}")));
        queue.ack("r1");
        queue.ack(new WorkItem("i", "r9", 1, 5, "1", null, null, 0, Instant.parse(T0), Instant.parse(T1)));
        assertThat(queue.nack("r2", Nack.withBackoff().reason("boom")))
                .isEqualTo(new NackOutcome(NackOutcome.State.DELAYED, Optional.of(Instant.parse(T1))));
        queue.nack("r3", Nack.retryAfter(Duration.ofSeconds(5)));
        queue.nack("r4", Nack.deadLetter("poison"));
        assertThat(queue.extend("r5", Duration.ofMinutes(1))).isEqualTo(Instant.parse(T1));
        server.verify(postRequestedFor(urlEqualTo(Q + "/ack")).withRequestBody(equalToJson("{\"receipt\":\"r9\"}")));
        server.verify(postRequestedFor(urlEqualTo(Q + "/nack"))
                .withRequestBody(equalToJson("{\"receipt\":\"r2\",\"reason\":\"boom\"}")));
        server.verify(postRequestedFor(urlEqualTo(Q + "/nack"))
                .withRequestBody(equalToJson("{\"receipt\":\"r3\",\"delayMs\":5000}")));
        server.verify(postRequestedFor(urlEqualTo(Q + "/nack"))
                .withRequestBody(equalToJson("{\"receipt\":\"r4\",\"deadLetter\":true,\"reason\":\"poison\"}")));
        server.verify(postRequestedFor(urlEqualTo(Q + "/extend"))
                .withRequestBody(equalToJson("{\"receipt\":\"r5\",\"visibilityMs\":60000}")));
    }

    @Test
    void batchOperationsReportPerReceipt() {
        String stale = "\"problem\":{\"type\":\"urn:patternkit:problem:receipt-stale\",\"title\":\"Receipt is stale\","
                + "\"status\":409,\"detail\":\"redelivered\"}";
        server.stubFor(post(Q + "/ack/batch").willReturn(okJson("{\"results\":[{\"receipt\":\"a\",\"ok\":true},"
                + "{\"receipt\":\"b\",\"ok\":false," + stale + "}]}")));
        server.stubFor(post(Q + "/nack/batch").willReturn(okJson("{\"results\":[{\"receipt\":\"a\",\"ok\":true,"
                + "\"state\":\"dead\"}]}")));
        server.stubFor(post(Q + "/extend/batch").willReturn(okJson("{\"results\":[{\"receipt\":\"a\",\"ok\":true,"
                + "\"visibleUntil\":\"" + T1 + "\"}]}")));
        List<BatchOutcome> acks = queue.ackAll(List.of("a", "b"));
        assertThat(acks.get(0).ok()).isTrue();
        assertThat(acks.get(1).ok()).isFalse();
        assertThat(acks.get(1).problemType()).contains("urn:patternkit:problem:receipt-stale");
        assertThat(acks.get(1).problemDetail()).contains("redelivered");
        assertThat(queue.nackAll(List.of("a"), Nack.deadLetter("bad")).get(0).state())
                .contains(NackOutcome.State.DEAD);
        assertThat(queue.extendAll(List.of("a"), Duration.ofSeconds(9)).get(0).visibleUntil())
                .contains(Instant.parse(T1));
        server.verify(postRequestedFor(urlEqualTo(Q + "/nack/batch")).withRequestBody(
                equalToJson("{\"items\":[{\"receipt\":\"a\",\"deadLetter\":true,\"reason\":\"bad\"}]}")));
        server.verify(postRequestedFor(urlEqualTo(Q + "/extend/batch")).withRequestBody(
                equalToJson("{\"items\":[{\"receipt\":\"a\",\"visibilityMs\":9000}]}")));
    }

    @Test
    void readsStatsAndDeadLettersAndRedrives() {
        server.stubFor(get(Q + "/stats").willReturn(okJson("{\"queue\":\"jobs\",\"ready\":1,\"delayed\":2,"
                + "\"inFlight\":3,\"dead\":4,\"acked\":5,\"oldestReadyAgeMs\":1500}")));
        server.stubFor(get(Q + "/dead-letters?limit=10").willReturn(okJson("{\"items\":[{\"id\":\"d1\","
                + "\"payload\":[1,2],\"attempts\":5,\"reason\":\"boom\",\"enqueuedAt\":\"" + T0 + "\",\"deadAt\":\""
                + T1 + "\"}]}")));
        server.stubFor(post(Q + "/dead-letters/redrive").willReturn(okJson("{\"redriven\":1}")));
        assertThat(queue.stats()).isEqualTo(new QueueStats(1, 2, 3, 4, 5, Duration.ofMillis(1500)));
        DeadLetter d = queue.deadLetters(10).get(0);
        assertThat(d.payloadJson()).contains("[1,2]");
        assertThat(d.fileRef()).isEmpty();
        assertThat(d.reason()).isEqualTo("boom");
        assertThat(d.deadAt()).isEqualTo(Instant.parse(T1));
        assertThat(queue.redrive(List.of("d1"))).isEqualTo(1);
        assertThat(queue.redriveAll()).isEqualTo(1);
        server.verify(postRequestedFor(urlEqualTo(Q + "/dead-letters/redrive"))
                .withRequestBody(equalToJson("{\"ids\":[\"d1\"]}")));
        server.verify(postRequestedFor(urlEqualTo(Q + "/dead-letters/redrive"))
                .withRequestBody(equalToJson("{\"max\":100000}")));
    }

    @Test
    void rejectsArgumentsOutsideTheWireLimitsBeforeCalling() {
        assertThatThrownBy(() -> client.queue("bad name")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("queue name must be");
        assertThatThrownBy(() -> queue.claim(0, Duration.ofSeconds(1), Duration.ZERO))
                .hasMessageContaining("max must be 1..1000");
        assertThatThrownBy(() -> queue.claim(1, Duration.ofSeconds(1), Duration.ofSeconds(21)))
                .hasMessageContaining("wait must be 0..20s");
        assertThatThrownBy(() -> queue.deadLetters(0)).hasMessageContaining("limit");
        assertThatThrownBy(() -> Enqueue.json("{not json")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not JSON");
        assertThat(server.getAllServeEvents()).isEmpty();
    }

    @Test
    void theContractCheckCatchesARequestOutsideTheContract() throws Exception {
        server.stubFor(post(Q + "/claim").willReturn(okJson("{\"items\":[]}")));
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + Q + "/claim"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"max\":1,\"visibility\":5}")).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThatThrownBy(() -> ContractValidator.assertAllRequestsValid(server)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("visibility");
        server.resetRequests();
    }
}

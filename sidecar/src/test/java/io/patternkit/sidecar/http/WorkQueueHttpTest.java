package io.patternkit.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.engine.sqlite.SqliteQueueEngine;
import io.patternkit.sidecar.host.SidecarHost;
import io.patternkit.sidecar.workqueue.Backoff;
import io.patternkit.sidecar.workqueue.QueueEngine;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The sidecar over real HTTP on an ephemeral port, every response checked against the OpenAPI contract. */
class WorkQueueHttpTest {
    private static final String GUARD = "/v1/queues/guard";
    @TempDir
    static Path dir;
    private static SidecarHost sidecar;
    private static HttpHarness http;

    @BeforeAll
    static void start() {
        sidecar = HttpHarness.workQueue(dir);
        http = new HttpHarness(sidecar.port());
        assertThat(http.call("POST", GUARD + "/items", "{\"payload\":{\"guard\":true}}").status()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        sidecar.close();
    }

    private static String q() {
        return "/v1/queues/t-" + UUID.randomUUID();
    }

    @Test
    void healthAndMetricsNeedNoToken() {
        HttpHarness.Reply live = http.sendChecked(http.request("GET", "/healthz/live", null, null, false).build());
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.json().get("status").asString()).isEqualTo("UP");
        HttpHarness.Reply ready = http.sendChecked(http.request("GET", "/healthz/ready", null, null, false).build());
        assertThat(ready.status()).isEqualTo(200);
        String q = q();
        http.call("POST", q + "/items", "{\"payload\":1}");
        http.call("POST", q + "/items", "{\"payload\":2}");
        http.call("POST", q + "/claim", "{\"max\":1}");
        String name = q.substring(q.lastIndexOf('/') + 1);
        HttpHarness.Reply metrics = http.sendChecked(http.request("GET", "/metrics", null, null, false).build());
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.contentType()).startsWith("text/plain");
        assertThat(metrics.body())
                .contains("patternkit_workqueue_items_total{event=\"enqueued\",queue=\"" + name + "\"} 2.0")
                .contains("patternkit_workqueue_items_total{event=\"claimed\",queue=\"" + name + "\"} 1.0")
                .contains("http_server_requests_seconds_count{method=\"POST\",route=\"/v1/queues/:queue/claim\",status=\"200\"}");
    }

    @Test
    void depthGaugesFollowTheQueueWithoutAScrapeRunningSql() {
        String q = q();
        String name = q.substring(q.lastIndexOf('/') + 1);
        http.call("POST", q + "/items", "{\"payload\":1}");
        http.call("POST", q + "/items", "{\"payload\":2}");
        http.call("POST", q + "/claim", "{\"max\":1,\"visibilityMs\":60000}");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
                http.sendChecked(http.request("GET", "/metrics", null, null, false).build()).body())
                .contains("patternkit_workqueue_depth{queue=\"" + name + "\",state=\"ready\"} 1.0")
                .contains("patternkit_workqueue_depth{queue=\"" + name + "\",state=\"in_flight\"} 1.0")
                .contains("patternkit_workqueue_depth{queue=\"" + name + "\",state=\"dead\"} 0.0")
                .contains("patternkit_workqueue_oldest_ready_age_seconds{queue=\"" + name + "\"}"));
    }

    @Test
    void itemLifecycleThroughEveryEndpoint() {
        String q = q();
        JsonNode first = http.call("POST", q + "/items", "{\"payload\":{\"n\":1},\"dedupKey\":\"d1\",\"priority\":5}").json();
        assertThat(first.get("duplicate").asBoolean()).isFalse();
        JsonNode dup = http.call("POST", q + "/items", "{\"fileRef\":\"/in/x\",\"dedupKey\":\"d1\"}").json();
        assertThat(dup.get("id").asString()).isEqualTo(first.get("id").asString());
        assertThat(dup.get("duplicate").asBoolean()).isTrue();
        JsonNode batch = http.call("POST", q + "/items/batch",
                "{\"items\":[{\"fileRef\":\"/in/a\"},{\"payload\":[1,2],\"maxAttempts\":1},{\"payload\":\"x\",\"dedupKey\":\"d1\"}]}").json();
        assertThat(batch.get("results")).hasSize(3);
        assertThat(batch.get("results").get(2).get("duplicate").asBoolean()).isTrue();

        JsonNode claimed = http.call("POST", q + "/claim", "{\"max\":10,\"visibilityMs\":30000}").json().get("items");
        assertThat(claimed).hasSize(3);
        assertThat(claimed.get(0).get("payload").get("n").asInt()).isEqualTo(1);
        assertThat(claimed.get(0).get("attempt").asInt()).isEqualTo(1);
        assertThat(claimed.get(1).get("fileRef").asString()).isEqualTo("/in/a");
        String r0 = claimed.get(0).get("receipt").asString();
        String r1 = claimed.get(1).get("receipt").asString();
        String r2 = claimed.get(2).get("receipt").asString();

        assertThat(http.call("POST", q + "/extend", "{\"receipt\":\"" + r0 + "\",\"visibilityMs\":60000}").json()
                .get("visibleUntil").asString()).isNotBlank();
        JsonNode extended = http.call("POST", q + "/extend/batch",
                "{\"items\":[{\"receipt\":\"" + r0 + "\",\"visibilityMs\":1000},{\"receipt\":\"bogus\",\"visibilityMs\":1000}]}").json();
        assertThat(extended.get("results").get(0).get("ok").asBoolean()).isTrue();
        assertThat(extended.get("results").get(1).get("problem").get("type").asString()).isEqualTo(ProblemType.RECEIPT_STALE.uri());
        assertThat(http.call("POST", q + "/ack", "{\"receipt\":\"" + r0 + "\"}").status()).isEqualTo(204);
        assertThat(http.call("POST", q + "/ack", "{\"receipt\":\"" + r0 + "\"}").status()).isEqualTo(204);

        JsonNode nacked = http.call("POST", q + "/nack", "{\"receipt\":\"" + r1 + "\",\"reason\":\"flaky\"}").json();
        assertThat(nacked.get("state").asString()).isEqualTo("delayed");
        assertThat(nacked.get("visibleAt").asString()).isNotBlank();
        HttpHarness.Reply stale = http.call("POST", q + "/ack", "{\"receipt\":\"" + r1 + "\"}");
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.json().get("type").asString()).isEqualTo(ProblemType.RECEIPT_STALE.uri());
        JsonNode nackBatch = http.call("POST", q + "/nack/batch",
                "{\"items\":[{\"receipt\":\"" + r2 + "\",\"reason\":\"bad input\"},{\"receipt\":\"" + r1 + "\"}]}").json();
        assertThat(nackBatch.get("results").get(0).get("state").asString()).isEqualTo("dead");
        assertThat(nackBatch.get("results").get(1).get("ok").asBoolean()).isFalse();
        JsonNode ackBatch = http.call("POST", q + "/ack/batch", "{\"receipts\":[\"" + r0 + "\",\"" + r2 + "\"]}").json();
        assertThat(ackBatch.get("results").get(0).get("ok").asBoolean()).isTrue();
        assertThat(ackBatch.get("results").get(1).get("ok").asBoolean()).isFalse();

        JsonNode stats = http.call("GET", q + "/stats", null).json();
        assertThat(stats.get("delayed").asLong()).isEqualTo(1);
        assertThat(stats.get("dead").asLong()).isEqualTo(1);
        assertThat(stats.get("acked").asLong()).isEqualTo(1);
        JsonNode dead = http.call("GET", q + "/dead-letters?limit=10", null).json().get("items");
        assertThat(dead).singleElement().satisfies(d -> assertThat(d.get("reason").asString()).isEqualTo("bad input"));
        assertThat(http.call("POST", q + "/dead-letters/redrive", "{}").json().get("redriven").asLong()).isEqualTo(1);
        assertThat(http.call("GET", q + "/stats", null).json().get("ready").asLong()).isEqualTo(1);
        String r3 = http.call("POST", q + "/claim", "{\"max\":1}").json().get("items").get(0).get("receipt").asString();
        JsonNode twice = http.call("POST", q + "/ack/batch", "{\"receipts\":[\"" + r3 + "\",\"" + r3 + "\"]}").json();
        assertThat(twice.get("results").get(1).get("ok").asBoolean()).isTrue();
        String name = q.substring(q.lastIndexOf('/') + 1);
        assertThat(http.sendChecked(http.request("GET", "/metrics", null, null, false).build()).body())
                .as("each item acked counts once: neither the retried ack of r0 nor r3 twice in a batch counts again")
                .contains("patternkit_workqueue_items_total{event=\"acked\",queue=\"" + name + "\"} 2.0");
    }

    @Test
    void aNackBatchWithAReasonNoEngineCanStoreIsRefusedWholeBeforeAnyNack() {
        String q = q();
        List<String> held = enqueueAndClaim(q, 2, 2);
        String body = "{\"items\":[{\"receipt\":\"" + held.get(0) + "\"},{\"receipt\":\"" + held.get(1) + "\",\"reason\":\"x\\u0000y\"}]}";
        HttpHarness.Reply refused = http.sendChecked(http.request("POST", q + "/nack/batch", "application/json", body, true).build());
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("type").asString()).isEqualTo(ProblemType.INVALID_REQUEST.uri());
        assertThat(refused.json().toString()).contains("items[1].reason").contains("U+0000");
        assertThat(http.call("POST", q + "/ack", "{\"receipt\":\"" + held.get(0) + "\"}").status()).as("the first was not nacked")
                .isEqualTo(204);
    }

    /** Enqueues {@code items} items with the payloads 1, 2, ... and claims up to {@code max}; their receipts. */
    private List<String> enqueueAndClaim(String q, int items, int max) {
        String payloads = java.util.stream.IntStream.rangeClosed(1, items).mapToObj(i -> "{\"payload\":" + i + "}")
                .collect(java.util.stream.Collectors.joining(","));
        http.call("POST", q + "/items/batch", "{\"items\":[" + payloads + "]}");
        List<String> receipts = new ArrayList<>();
        http.call("POST", q + "/claim", "{\"max\":" + max + "}").json().get("items")
                .forEach(item -> receipts.add(item.get("receipt").asString()));
        return receipts;
    }

    @Test
    void aClaimCarryingAcksAcknowledgesThemFirstAndAnswersEachOutcome() {
        String q = q();
        List<String> first = enqueueAndClaim(q, 3, 2);
        String r0 = first.get(0);
        String r1 = first.get(1);
        http.call("POST", q + "/nack", "{\"receipt\":\"" + r1 + "\",\"delayMs\":600000}");

        JsonNode next = http.call("POST", q + "/claim", "{\"max\":5,\"ack\":[\"" + r0 + "\",\"" + r1 + "\"]}").json();
        assertThat(next.get("acks")).hasSize(2);
        assertThat(next.get("acks").get(0).get("receipt").asString()).isEqualTo(r0);
        assertThat(next.get("acks").get(0).get("ok").asBoolean()).isTrue();
        assertThat(next.get("acks").get(1).get("ok").asBoolean()).isFalse();
        assertThat(next.get("acks").get(1).get("problem").get("type").asString()).isEqualTo(ProblemType.RECEIPT_STALE.uri());
        assertThat(next.get("items")).singleElement().satisfies(i -> assertThat(i.get("payload").asInt()).isEqualTo(3));
        assertThat(http.call("POST", q + "/claim", "{}").json().has("acks")).as("only when asked").isFalse();
        JsonNode stats = http.call("GET", q + "/stats", null).json();
        assertThat(stats.get("acked").asLong()).isEqualTo(1);
        assertThat(stats.get("inFlight").asLong()).isEqualTo(1);
    }

    @Test
    void aWaitingClaimAcksWhatItCarriesBeforeItParksAndAnswersTheOutcomesWithItsItems() {
        String q = q();
        http.call("POST", q + "/items", "{\"payload\":1}");
        String receipt = http.call("POST", q + "/claim", "{}").json().get("items").get(0).get("receipt").asString();
        CompletableFuture<HttpHarness.Reply> claim = http.sendAsync("POST", q + "/claim",
                "{\"waitMs\":15000,\"ack\":[\"" + receipt + "\"]}");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> http.call("GET", q + "/stats", null).json().get("acked").asLong() == 1);
        assertThat(claim).as("parked: the queue is empty").isNotDone();
        http.call("POST", q + "/items", "{\"payload\":2}");
        JsonNode answer = await().atMost(Duration.ofSeconds(5)).until(claim::join, r -> r != null).json();
        assertThat(answer.get("acks")).singleElement().satisfies(a -> assertThat(a.get("ok").asBoolean()).isTrue());
        assertThat(answer.get("items")).singleElement().satisfies(i -> assertThat(i.get("payload").asInt()).isEqualTo(2));
    }

    @Test
    void longPollReturnsAsSoonAsAnItemIsEnqueued() {
        String q = q();
        long start = System.nanoTime();
        CompletableFuture<HttpHarness.Reply> claim = http.sendAsync("POST", q + "/claim", "{\"waitMs\":15000}");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !claim.isDone());
        http.call("POST", q + "/items", "{\"payload\":\"wake\"}");
        HttpHarness.Reply reply = await().atMost(Duration.ofSeconds(5)).until(claim::join, r -> r != null);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("items")).hasSize(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void endingANamedClaimAnswersItAtOnceAndAnEndThatCameFirstKeepsItFromWaiting() {
        String q = q();
        long start = System.nanoTime();
        CompletableFuture<HttpHarness.Reply> claim = http.sendAsync("POST", q + "/claim", "{\"waitMs\":15000,\"claimId\":\"c-1\"}");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !claim.isDone());
        assertThat(http.call("DELETE", q + "/claims/c-1", null).status()).isEqualTo(204);
        HttpHarness.Reply reply = await().atMost(Duration.ofSeconds(5)).until(claim::join, r -> r != null);
        assertThat(reply.json().get("items")).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));

        assertThat(http.call("DELETE", q + "/claims/c-2", null).status()).isEqualTo(204);
        long early = System.nanoTime();
        assertThat(http.call("POST", q + "/claim", "{\"waitMs\":15000,\"claimId\":\"c-2\"}").json().get("items")).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - early)).isLessThan(Duration.ofSeconds(5));

        assertThat(http.send(http.request("DELETE", q + "/claims/not%20valid", null, null, true).build()).status())
                .isEqualTo(400);
        assertThat(http.send(http.request("POST", q + "/claim", "application/json", "{\"claimId\":\"a/b\"}", true)
                .build()).status()).isEqualTo(400);
    }

    @Test
    void aLongPollWhoseClientWentAwayClaimsNothingThatWaitsOutItsVisibility() throws Exception {
        String q = q();
        String body = "{\"waitMs\":15000,\"visibilityMs\":600000}";
        double withIt;
        try (Socket socket = new Socket("127.0.0.1", sidecar.port())) {
            socket.getOutputStream().write(("POST " + q + "/claim HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + HttpHarness.TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> true); // let it park
            withIt = http.openConnections();
        }
        // The item comes once the sidecar has seen the client go. A client that vanishes while its answer is on the
        // way loses that answer's items until their visibility ends, as SQS's do; that is not what this test is about.
        await().atMost(Duration.ofSeconds(5)).until(() -> http.openConnections() < withIt);
        http.call("POST", q + "/items", "{\"payload\":\"for whoever is still there\"}");
        // Either the gone claim was unparked before the item came, or it claimed the item and gave it back at once.
        JsonNode items = http.call("POST", q + "/claim", "{\"waitMs\":5000}").json().get("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("payload").asString()).isEqualTo("for whoever is still there");
    }

    @Test
    void longPollWakesOnAnotherSidecarsWriteToTheSharedFile() {
        String q = q();
        try (SidecarHost neighbour = HttpHarness.workQueue(dir)) {
            CompletableFuture<HttpHarness.Reply> claim = http.sendAsync("POST", q + "/claim", "{\"waitMs\":15000}");
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !claim.isDone());
            long start = System.nanoTime();
            new HttpHarness(neighbour.port()).call("POST", q + "/items", "{\"payload\":\"from the neighbour\"}");
            HttpHarness.Reply reply = await().atMost(Duration.ofSeconds(5)).until(claim::join, r -> r != null);
            assertThat(reply.json().get("items").get(0).get("payload").asString()).isEqualTo("from the neighbour");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    /** Issue 14: a receipt was the base64 of "id.epoch", so any client could settle an item it never claimed. */
    @Test
    void aGuessedReceiptIsStaleAndSettlesNothing() {
        String q = q();
        String id = http.call("POST", q + "/items", "{\"payload\":1}").json().get("id").asString();
        JsonNode item = http.call("POST", q + "/claim", "{\"visibilityMs\":60000}").json().get("items").get(0);
        String guessed = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString((id + ".1").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String real = item.get("receipt").asString();
        String tampered = real.substring(0, 10) + (real.charAt(10) == 'A' ? 'B' : 'A') + real.substring(11);
        for (String forged : java.util.List.of(guessed, tampered)) {
            assertProblem(http.call("POST", q + "/ack", "{\"receipt\":\"" + forged + "\"}"), 409, ProblemType.RECEIPT_STALE);
            assertProblem(http.call("POST", q + "/extend", "{\"receipt\":\"" + forged + "\",\"visibilityMs\":1000}"), 409,
                    ProblemType.RECEIPT_STALE);
        }
        assertThat(http.call("GET", q + "/stats", null).json().get("inFlight").asLong()).isEqualTo(1);
        assertThat(http.call("POST", q + "/ack", "{\"receipt\":\"" + real + "\"}").status()).isEqualTo(204);
    }

    @Test
    void aReceiptIssuedByOneSidecarSettlesThroughAnotherOnTheSameFile() {
        String q = q();
        http.call("POST", q + "/items", "{\"payload\":1}");
        String receipt = http.call("POST", q + "/claim", "{\"visibilityMs\":60000}").json().get("items").get(0)
                .get("receipt").asString();
        try (SidecarHost neighbour = HttpHarness.workQueue(dir)) {
            assertThat(new HttpHarness(neighbour.port()).call("POST", q + "/ack", "{\"receipt\":\"" + receipt + "\"}").status())
                    .isEqualTo(204);
        }
    }

    @Test
    void longPollReturnsEmptyAfterTheWait() {
        long start = System.nanoTime();
        JsonNode items = http.call("POST", q() + "/claim", "{\"waitMs\":300}").json().get("items");
        assertThat(items).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    static Stream<Arguments> badRequests() {
        String json = "application/json";
        String big = "x".repeat(2000);
        String items1001 = "{\"items\":[" + "{\"payload\":1},".repeat(1000) + "{\"payload\":1}]}";
        return Stream.of(
                bad("malformed JSON", "POST", GUARD + "/items", json, "{\"payload\":", 400, ProblemType.INVALID_REQUEST),
                bad("trailing garbage", "POST", GUARD + "/items", json, "{\"payload\":1} x", 400, ProblemType.INVALID_REQUEST),
                bad("empty body", "POST", GUARD + "/claim", json, "", 400, ProblemType.INVALID_REQUEST),
                bad("array body", "POST", GUARD + "/claim", json, "[1]", 400, ProblemType.INVALID_REQUEST),
                bad("string for integer", "POST", GUARD + "/claim", json, "{\"max\":\"5\"}", 400, ProblemType.INVALID_REQUEST),
                bad("fraction for integer", "POST", GUARD + "/claim", json, "{\"max\":1.5}", 400, ProblemType.INVALID_REQUEST),
                bad("huge number", "POST", GUARD + "/claim", json, "{\"max\":99999999999999999999999}", 400, ProblemType.INVALID_REQUEST),
                bad("zero visibility", "POST", GUARD + "/claim", json, "{\"visibilityMs\":0}", 400, ProblemType.INVALID_REQUEST),
                bad("wait over 20 s", "POST", GUARD + "/claim", json, "{\"waitMs\":20001}", 400, ProblemType.INVALID_REQUEST),
                bad("unknown field", "POST", GUARD + "/items", json, "{\"payload\":1,\"extra\":true}", 400, ProblemType.INVALID_REQUEST),
                bad("payload and fileRef", "POST", GUARD + "/items", json, "{\"payload\":1,\"fileRef\":\"/a\"}", 400, ProblemType.INVALID_REQUEST),
                bad("neither payload nor fileRef", "POST", GUARD + "/items", json, "{\"dedupKey\":\"k\"}", 400, ProblemType.INVALID_REQUEST),
                bad("empty fileRef", "POST", GUARD + "/items", json, "{\"fileRef\":\"\"}", 400, ProblemType.INVALID_REQUEST),
                bad("negative delay", "POST", GUARD + "/items", json, "{\"payload\":1,\"delayMs\":-1}", 400, ProblemType.INVALID_REQUEST),
                bad("delay over 7 days", "POST", GUARD + "/items", json, "{\"payload\":1,\"delayMs\":604800001}", 400, ProblemType.INVALID_REQUEST),
                bad("priority out of range", "POST", GUARD + "/items", json, "{\"payload\":1,\"priority\":1001}", 400, ProblemType.INVALID_REQUEST),
                bad("zero maxAttempts", "POST", GUARD + "/items", json, "{\"payload\":1,\"maxAttempts\":0}", 400, ProblemType.INVALID_REQUEST),
                bad("bad element in batch", "POST", GUARD + "/items/batch", json, "{\"items\":[{\"payload\":1},{\"bogus\":1}]}", 400, ProblemType.INVALID_REQUEST),
                bad("batch over 1000", "POST", GUARD + "/items/batch", json, items1001, 400, ProblemType.INVALID_REQUEST),
                bad("empty receipts", "POST", GUARD + "/ack/batch", json, "{\"receipts\":[]}", 400, ProblemType.INVALID_REQUEST),
                bad("empty acks on a claim", "POST", GUARD + "/claim", json, "{\"ack\":[]}", 400, ProblemType.INVALID_REQUEST),
                bad("numeric ack on a claim", "POST", GUARD + "/claim", json, "{\"ack\":[7]}", 400, ProblemType.INVALID_REQUEST),
                bad("ack receipt too long on a claim", "POST", GUARD + "/claim", json,
                        "{\"ack\":[\"" + "r".repeat(257) + "\"]}", 400, ProblemType.INVALID_REQUEST),
                bad("over 1000 acks on a claim", "POST", GUARD + "/claim", json,
                        "{\"ack\":[" + "\"r\",".repeat(1000) + "\"r\"]}", 400, ProblemType.INVALID_REQUEST),
                bad("missing receipt", "POST", GUARD + "/ack", json, "{}", 400, ProblemType.INVALID_REQUEST),
                bad("negative nack delay", "POST", GUARD + "/nack", json, "{\"receipt\":\"r\",\"delayMs\":-5}", 400, ProblemType.INVALID_REQUEST),
                bad("string deadLetter", "POST", GUARD + "/nack", json, "{\"receipt\":\"r\",\"deadLetter\":\"yes\"}", 400, ProblemType.INVALID_REQUEST),
                bad("extend without visibility", "POST", GUARD + "/extend", json, "{\"receipt\":\"r\"}", 400, ProblemType.INVALID_REQUEST),
                bad("numeric redrive id", "POST", GUARD + "/dead-letters/redrive", json, "{\"ids\":[1]}", 400, ProblemType.INVALID_REQUEST),
                bad("redrive id too long", "POST", GUARD + "/dead-letters/redrive", json,
                        "{\"ids\":[\"" + "1".repeat(65) + "\"]}", 400, ProblemType.INVALID_REQUEST),
                bad("neither payload nor fileRef", "POST", GUARD + "/items", json, "{}", 400, ProblemType.INVALID_REQUEST),
                bad("null payload and a fileRef", "POST", GUARD + "/items", json, "{\"payload\":null,\"fileRef\":\"0\"}", 400,
                        ProblemType.INVALID_REQUEST),
                bad("nack batch over the body cap", "POST", GUARD + "/nack/batch", json, "{\"items\":["
                        + ("{\"receipt\":\"r\",\"reason\":\"" + "x".repeat(2048) + "\"},").repeat(999)
                        + "{\"receipt\":\"r\"}]}", 413, ProblemType.PAYLOAD_TOO_LARGE),
                bad("zero limit", "GET", GUARD + "/dead-letters?limit=0", null, null, 400, ProblemType.INVALID_REQUEST),
                bad("text limit", "GET", GUARD + "/dead-letters?limit=abc", null, null, 400, ProblemType.INVALID_REQUEST),
                bad("invalid queue name", "POST", "/v1/queues/bad%20name/items", json, "{\"payload\":1}", 400, ProblemType.INVALID_REQUEST),
                bad("queue name too long", "GET", "/v1/queues/" + "a".repeat(129) + "/stats", null, null, 400, ProblemType.INVALID_REQUEST),
                bad("oversized item", "POST", GUARD + "/items", json, "{\"payload\":\"" + big + "\"}", 413, ProblemType.PAYLOAD_TOO_LARGE),
                bad("oversized body", "POST", GUARD + "/items/batch", json,
                        "{\"items\":[" + "{\"payload\":1},".repeat(6000) + "{\"payload\":1}]}", 413, ProblemType.PAYLOAD_TOO_LARGE),
                bad("text content type", "POST", GUARD + "/items", "text/plain", "{\"payload\":1}", 415, ProblemType.UNSUPPORTED_MEDIA_TYPE),
                bad("no content type", "POST", GUARD + "/claim", null, "{}", 415, ProblemType.UNSUPPORTED_MEDIA_TYPE),
                bad("unknown route", "GET", "/v1/nope", null, null, 404, ProblemType.ROUTE_NOT_FOUND),
                bad("unknown route, text body", "POST", "/v1/nope", "text/plain", "x", 404, ProblemType.ROUTE_NOT_FOUND),
                bad("wrong method", "GET", GUARD + "/claim", null, null, 405, ProblemType.METHOD_NOT_ALLOWED),
                bad("wrong method, no content type", "PUT", GUARD + "/claim", null, "{}", 405, ProblemType.METHOD_NOT_ALLOWED));
    }

    private static Arguments bad(String name, String method, String path, String contentType, String body, int status,
                                 ProblemType type) {
        return Arguments.of(name, method, path, contentType, body, status, type);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badInputIsAProblemAndChangesNothing(String name, String method, String path, String contentType, String body,
                                             int status, ProblemType type) {
        JsonNode before = guardDepth();
        var request = http.request(method, path, contentType, body, true).build();
        boolean inContract = status != 404 && status != 405;
        HttpHarness.Reply reply = inContract ? http.sendChecked(request) : http.send(request);
        assertProblem(reply, status, type);
        assertThat(guardDepth()).isEqualTo(before);
    }

    static Stream<Arguments> malformedText() {
        return Stream.of(
                Arguments.of("overlong slashes in a fileRef", bytes("{\"fileRef\":\"/data/in/..", 0xC0, 0xAF, "..", 0xC0, 0xAF,
                        "etc\"}"), "fileRef"),
                Arguments.of("a code point above U+10FFFF", bytes("{\"payload\":\"", 0xF4, 0x90, 0x80, 0x80, "\"}"), "payload"),
                Arguments.of("a surrogate encoded in UTF-8", bytes("{\"payload\":{\"a\":\"", 0xED, 0xA0, 0x80, "\"}}"), "payload.a"),
                Arguments.of("a lone surrogate escape in a payload", bytes("{\"payload\":\"\\ud800\"}"), "payload"),
                Arguments.of("a lone surrogate escape in a dedupKey", bytes("{\"payload\":1,\"dedupKey\":\"k\\ud800\"}"),
                        "dedupKey"),
                Arguments.of("a lone low surrogate in a batch item", bytes("{\"items\":[{\"payload\":1},{\"payload\":[\"\\udc00\"]}]}"),
                        "items[1].payload[0]"),
                Arguments.of("a lone surrogate in a member name", bytes("{\"payload\":{\"\\ud800\":1}}"), "body"));
    }

    private static byte[] bytes(Object... parts) {
        var out = new java.io.ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof Integer b) {
                out.write(b);
            } else {
                out.writeBytes(((String) part).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedText")
    void malformedTextIsA400NamingTheMemberAndStoresNothing(String name, byte[] body, String member) {
        JsonNode before = guardDepth();
        String path = GUARD + (member.startsWith("items") ? "/items/batch" : "/items");
        var request = http.request("POST", path, "application/json", null, true)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpHarness.Reply reply = http.sendChecked(request);
        assertProblem(reply, 400, ProblemType.INVALID_REQUEST);
        assertThat(reply.json().get("errors").get(0).get("field").asString()).isEqualTo(member);
        assertThat(guardDepth()).isEqualTo(before);
    }

    @Test
    void wellFormedTextIsStoredAsSent() {
        String q = "/v1/queues/text-" + java.util.UUID.randomUUID();
        String text = "a\u00e9\u4e2d\ud83d\ude00/"; // Latin-1, CJK, a surrogate pair (an emoji), ASCII
        var request = http.request("POST", q + "/items", "application/json", null, true)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(bytes("{\"fileRef\":\"" + text + "\",\"dedupKey\":\""
                        + text + "\"}"))).build();
        assertThat(http.sendChecked(request).status()).isEqualTo(201);
        JsonNode item = http.call("POST", q + "/claim", "{\"max\":1}").json().get("items").get(0);
        assertThat(item.get("fileRef").asString()).isEqualTo(text);
        assertThat(item.get("dedupKey").asString()).isEqualTo(text);
    }

    /** Found by ContractFuzzTest: the payload was re-serialised, so spacing, escapes and number forms changed. */
    @Test
    void aPayloadIsStoredByteForByteWithItsSpacingEscapesAndNumberForms() {
        String q = "/v1/queues/raw-" + java.util.UUID.randomUUID();
        String payload = "[ 1E+2 ,\n\t-0, 0.10, \"\\u00E9\\/\", { } ]";
        assertThat(http.call("POST", q + "/items", "{\"payload\": " + payload + " }").status()).isEqualTo(201);
        assertThat(http.call("POST", q + "/items/batch", "{\"items\":[{\"fileRef\":\"f\"},{\"payload\":" + payload + "}]}")
                .status()).isEqualTo(200);
        String claimed = http.call("POST", q + "/claim", "{\"max\":3}").body();
        assertThat(claimed.split(java.util.regex.Pattern.quote(payload), -1)).as(claimed).hasSize(3); // twice, as sent
    }

    /** Found by ContractFuzzTest: lengths counted UTF-16 chars, where the contract (JSON Schema) counts characters. */
    @Test
    void stringLimitsCountCharactersNotUtf16Units() {
        String receipt = "\ud83d\ude00".repeat(256); // 256 characters, 512 UTF-16 units: within maxLength 256
        HttpHarness.Reply reply = http.call("POST", GUARD + "/ack/batch", "{\"receipts\":[\"" + receipt + "\"]}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().get("results").get(0).get("ok").asBoolean()).isFalse();
    }

    /** Found by ContractFuzzTest: a parameter given twice was read as its first value. */
    @Test
    void aQueryParameterGivenTwiceIsRefused() {
        HttpHarness.Reply reply = http.sendChecked(http.request("GET", GUARD + "/dead-letters?limit=1&limit=1000", null,
                null, true).build());
        assertProblem(reply, 400, ProblemType.INVALID_REQUEST);
        assertThat(reply.body()).contains("limit", "more than once");
    }

    @Test
    void missingOrWrongTokenIsUnauthorized() {
        assertProblem(http.sendChecked(http.request("POST", GUARD + "/claim", "application/json", "{}", false).build()),
                401, ProblemType.UNAUTHORIZED);
        var wrong = http.request("GET", GUARD + "/stats", null, null, false).header("Authorization", "Bearer nope").build();
        assertProblem(http.sendChecked(wrong), 401, ProblemType.UNAUTHORIZED);
        assertThat(http.call("GET", GUARD + "/stats", null).json().get("ready").asLong()).isEqualTo(1);
    }

    @Test
    void drainAnswersParkedLongPollsAndTurnsNotReady(@TempDir Path other) {
        SidecarHost second = HttpHarness.workQueue(other);
        HttpHarness client = new HttpHarness(second.port());
        CompletableFuture<HttpHarness.Reply> claim = client.sendAsync("POST", q() + "/claim", "{\"waitMs\":15000}");
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !claim.isDone());
        long start = System.nanoTime();
        second.drainAndClose();
        HttpHarness.Reply reply = claim.join();
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("items")).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    /**
     * An extend that shortens a visibility timeout wakes a parked claim. The engine here passes on no change notice
     * (PostgreSQL's cover new ready items only; SQLite's file watch also sees this process's own commits, which hid it).
     */
    @Test
    void anExtendThatShortensAVisibilityTimeoutWakesAParkedClaim(@TempDir Path other) {
        QueueEngine engine = SqliteQueueEngine.open(other.resolve("patternkit.db"), Clock.systemUTC(), new Backoff(1000, 60_000));
        QueueEngine deaf = wrapped(engine, method -> !method.equals("waiting") && !method.equals("onExternalChange"));
        try (SidecarHost host = HttpHarness.workQueueOn(deaf)) {
            HttpHarness client = new HttpHarness(host.port());
            String q = q();
            client.call("POST", q + "/items", "{\"payload\":1}");
            String receipt = client.call("POST", q + "/claim", "{\"visibilityMs\":60000}").json().get("items").get(0)
                    .get("receipt").asString();
            CompletableFuture<HttpHarness.Reply> parked = client.sendAsync("POST", q + "/claim", "{\"waitMs\":10000}");
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !parked.isDone());
            long start = System.nanoTime();
            client.call("POST", q + "/extend", "{\"receipt\":\"" + receipt + "\",\"visibilityMs\":1}");
            assertThat(parked.join().json().get("items")).hasSize(1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("woken by the extend, not the 10 s wait")
                    .isLessThan(Duration.ofSeconds(5));
        }
    }

    /** Says, before each call of a wrapped engine, whether it goes through (else it returns null). */
    @FunctionalInterface
    private interface Gate {
        boolean passes(String method) throws Exception;
    }

    private static QueueEngine wrapped(QueueEngine engine, Gate gate) {
        return (QueueEngine) Proxy.newProxyInstance(QueueEngine.class.getClassLoader(), new Class<?>[] {QueueEngine.class},
                (proxy, method, args) -> {
                    if (!gate.passes(method.getName())) {
                        return null;
                    }
                    try {
                        return method.invoke(engine, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void engineOutageIsRetryableUnavailableAndNotReady(@TempDir Path other) {
        QueueEngine engine = SqliteQueueEngine.open(other.resolve("patternkit.db"), Clock.systemUTC(), new Backoff(1000, 60_000));
        try (SidecarHost broken = HttpHarness.workQueueOn(engine)) {
            HttpHarness client = new HttpHarness(broken.port());
            assertThat(client.call("GET", "/healthz/ready", null).status()).isEqualTo(200);
            engine.close();
            HttpHarness.Reply claim = client.call("POST", q() + "/claim", "{}");
            assertProblem(claim, 503, ProblemType.ENGINE_UNAVAILABLE);
            assertThat(claim.raw().headers().firstValue("Retry-After")).contains("1");
            HttpHarness.Reply ready = client.call("GET", "/healthz/ready", null);
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().get("status").asString()).isEqualTo("DOWN");
        }
    }

    /**
     * An engine whose ping hangs (a full volume, a write lock another process holds) makes readiness answer 503 with
     * the reason by the deadline instead of holding the probe, and ready again once the engine answers.
     */
    @Test
    void anEngineThatDoesNotAnswerIsNotReadyByTheDeadline(@TempDir Path other) throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        QueueEngine engine = SqliteQueueEngine.open(other.resolve("patternkit.db"), Clock.systemUTC(), new Backoff(1000, 60_000));
        QueueEngine hanging = wrapped(engine, method -> {
            if (method.equals("ping") && !answer.await(1, TimeUnit.MINUTES)) {
                throw new IllegalStateException("never released");
            }
            return true;
        });
        try (SidecarHost stuck = HttpHarness.workQueueOn(hanging)) {
            HttpHarness client = new HttpHarness(stuck.port());
            HttpHarness.Reply ready = client.call("GET", "/healthz/ready", null);
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().get("detail").asString()).isEqualTo("engine did not answer within 800 ms");
            answer.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> client.call("GET", "/healthz/ready", null).status() == 200);
        } finally {
            answer.countDown();
        }
    }

    /** The guard queue's stats without the age, which moves with time. */
    private static JsonNode guardDepth() {
        ObjectNode stats = (ObjectNode) http.call("GET", GUARD + "/stats", null).json();
        stats.remove("oldestReadyAgeMs");
        return stats;
    }

    private static void assertProblem(HttpHarness.Reply reply, int status, ProblemType type) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.contentType()).isEqualTo(Wire.PROBLEM_JSON);
        JsonNode problem = reply.json();
        assertThat(problem.get("type").asString()).isEqualTo(type.uri());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").asString()).isEqualTo(type.title());
        assertThat(problem.get("detail").asString()).isNotBlank();
        if (type == ProblemType.INVALID_REQUEST) {
            assertThat(problem.get("errors")).isNotEmpty();
        }
    }
}

package io.patternkit.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.common.Ticker;
import io.patternkit.sidecar.engine.sqlite.SqliteLeaseEngine;
import io.patternkit.sidecar.host.SidecarHost;
import io.patternkit.sidecar.leader.LeaseEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The leader sidecar over real HTTP on an ephemeral port, every response checked against the
 * OpenAPI contract. The sidecar campaigns itself as {@code guard} in election {@code guard} (its
 * {@code --election}/{@code --id}), which the bad-input table checks is never disturbed.
 */
class LeaderHttpTest {
    private static final String GUARD = "/v1/elections/guard";
    @TempDir
    static Path dir;
    private static SidecarHost sidecar;
    private static HttpHarness http;
    private static long guardTerm;

    @BeforeAll
    static void start() {
        sidecar = HttpHarness.leader(dir, "guard", "guard");
        http = new HttpHarness(sidecar.port());
        await().atMost(Duration.ofSeconds(10)).until(() -> "guard".equals(http.call("GET", GUARD, null).json().path("leaderId").asString()));
        guardTerm = http.call("GET", GUARD, null).json().get("term").asLong();
    }

    @AfterAll
    static void stop() {
        sidecar.close();
    }

    private static String e() {
        return "/v1/elections/t-" + UUID.randomUUID();
    }

    private static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    @Test
    void rootAnswersLikeLeaderElector() {
        HttpHarness.Reply root = http.call("GET", "/", null);
        assertThat(root.status()).isEqualTo(200);
        assertThat(root.json().get("name").asString()).isEqualTo("guard");
    }

    @Test
    void rootIsEmptyWhileNobodyLeadsTheDefaultElection(@TempDir Path other) {
        try (SidecarHost idle = HttpHarness.leader(other, "idle", null)) {
            HttpHarness client = new HttpHarness(idle.port());
            assertThat(client.call("GET", "/", null).json().get("name").asString()).isEmpty();
            JsonNode lease = client.call("POST", "/v1/elections/idle/campaign", "{\"candidateId\":\"pod-1\"}").json().get("lease");
            assertThat(client.call("GET", "/", null).json().get("name").asString()).isEqualTo("pod-1");
            client.call("POST", "/v1/elections/idle/resign", "{\"candidateId\":\"pod-1\",\"term\":" + lease.get("term") + "}");
            assertThat(client.call("GET", "/", null).json().get("name").asString()).isEmpty();
        }
    }

    /**
     * Found by ContractFuzzTest: {@code /v1/elections/./watch} and {@code /v1/elections//watch} were normalised to
     * {@code /v1/elections/watch} and answered as the status of an election called {@code watch}.
     */
    @Test
    void aPathWithAnEmptyOrDotSegmentIsRefusedNotNormalisedIntoAnotherResource() {
        for (String path : List.of("/v1/elections/./watch?waitMs=0", "/v1/elections//watch?waitMs=0",
                "/v1/elections/%2E%2E/x", "/v1/queues/q/../stats")) {
            HttpHarness.Reply reply = http.send(http.request("GET", path, null, null, true).build());
            assertThat(reply.status()).as(path).isEqualTo(400);
            assertThat(reply.contentType()).as(path).startsWith("application/problem+json");
            assertThat(reply.body()).as(path).contains(ProblemType.INVALID_REQUEST.uri(), "segment");
        }
        assertThat(http.call("GET", "/v1/elections/watch", null).status()).as("a trailing name is still a name").isEqualTo(200);
    }

    @Test
    void healthAndMetricsNeedNoToken() {
        String e = e();
        http.call("POST", e + "/campaign", "{\"candidateId\":\"a\"}");
        assertThat(http.sendChecked(http.request("GET", "/healthz/live", null, null, false).build()).status()).isEqualTo(200);
        assertThat(http.sendChecked(http.request("GET", "/healthz/ready", null, null, false).build()).status()).isEqualTo(200);
        HttpHarness.Reply metrics = http.sendChecked(http.request("GET", "/metrics", null, null, false).build());
        assertThat(metrics.body())
                .contains("patternkit_leader_acquisitions_total{election=\"" + name(e) + "\"} 1.0")
                .contains("patternkit_leader_is_leader{candidate=\"a\",election=\"" + name(e) + "\"} 1.0")
                .contains("patternkit_leader_term{election=\"" + name(e) + "\"} 1.0")
                .contains("patternkit_leader_is_leader{candidate=\"guard\",election=\"guard\"} 1.0")
                .contains("http_server_requests_seconds_count{method=\"POST\",route=\"/v1/elections/:election/campaign\",status=\"200\"}");
    }

    @Test
    void leaseLifecycleThroughEveryEndpoint() {
        String e = e();
        JsonNode vacant = http.call("GET", e, null).json();
        assertThat(vacant.get("leaderId").isNull()).isTrue();
        assertThat(vacant.get("term").asLong()).isZero();

        JsonNode elected = http.call("POST", e + "/campaign", "{\"candidateId\":\"pod-a\",\"waitMs\":0}").json();
        assertThat(elected.get("elected").asBoolean()).isTrue();
        JsonNode lease = elected.get("lease");
        assertThat(lease.get("term").asLong()).isEqualTo(1);
        assertThat(lease.get("fencingToken").asLong()).isEqualTo(1);
        assertThat(lease.get("candidateId").asString()).isEqualTo("pod-a");
        assertThat(lease.get("validForMs").asLong()).isBetween(1L, 10_000L);
        assertThat(lease.get("leaseDurationMs").asLong()).isEqualTo(15_000);
        assertThat(lease.get("renewDeadlineMs").asLong()).isEqualTo(10_000);
        assertThat(lease.get("retryPeriodMs").asLong()).isEqualTo(2_000);
        assertThat(elected.get("observed").get("leaderId").asString()).isEqualTo("pod-a");

        JsonNode again = http.call("POST", e + "/campaign", "{\"candidateId\":\"pod-a\"}").json();
        assertThat(again.get("lease").get("term").asLong()).isEqualTo(1);
        JsonNode other = http.call("POST", e + "/campaign", "{\"candidateId\":\"pod-b\",\"waitMs\":100}").json();
        assertThat(other.get("elected").asBoolean()).isFalse();
        assertThat(other.has("lease")).isFalse();
        assertThat(other.get("observed").get("leaderId").asString()).isEqualTo("pod-a");

        JsonNode renewed = http.call("POST", e + "/renew", "{\"candidateId\":\"pod-a\",\"term\":1}").json();
        assertThat(renewed.get("term").asLong()).isEqualTo(1);
        JsonNode observed = http.call("GET", e, null).json();
        assertThat(observed.get("leaderId").asString()).isEqualTo("pod-a");
        assertThat(observed.get("validForMs").asLong()).isPositive();
        assertThat(observed.get("changed").asBoolean()).isTrue();
        JsonNode stale = http.call("GET", e + "/watch?term=0&waitMs=5000", null).json();
        assertThat(stale.get("changed").asBoolean()).isTrue();
        assertThat(stale.get("leaderId").asString()).isEqualTo("pod-a");

        JsonNode resigned = http.call("POST", e + "/resign", "{\"candidateId\":\"pod-a\",\"term\":1}").json();
        assertThat(resigned.get("released").asBoolean()).isTrue();
        assertThat(http.call("POST", e + "/resign", "{\"candidateId\":\"pod-a\",\"term\":1}").json().get("released").asBoolean())
                .isFalse();
        assertProblem(http.call("POST", e + "/renew", "{\"candidateId\":\"pod-a\",\"term\":1}"), 409, ProblemType.LEASE_LOST);
        JsonNode next = http.call("POST", e + "/campaign", "{\"candidateId\":\"pod-a\"}").json();
        assertThat(next.get("lease").get("fencingToken").asLong()).isEqualTo(2);
    }

    @Test
    void aWatchAnswersAsSoonAsTheLeaderChanges() {
        String e = e();
        http.call("POST", e + "/campaign", "{\"candidateId\":\"a\"}");
        CompletableFuture<HttpHarness.Reply> watch = http.sendAsync("GET", e + "/watch?term=1&leaderId=a&waitMs=15000", null);
        CompletableFuture<HttpHarness.Reply> waiting = http.sendAsync("POST", e + "/campaign", "{\"candidateId\":\"b\",\"waitMs\":15000}");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !watch.isDone() && !waiting.isDone());
        long start = System.nanoTime();
        http.call("POST", e + "/resign", "{\"candidateId\":\"a\",\"term\":1}");
        JsonNode changed = watch.join().json();
        assertThat(changed.get("changed").asBoolean()).isTrue();
        JsonNode b = waiting.join().json();
        assertThat(b.get("elected").asBoolean()).isTrue();
        assertThat(b.get("lease").get("term").asLong()).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        JsonNode unchanged = http.call("GET", e + "/watch?term=2&leaderId=b&waitMs=200", null).json();
        assertThat(unchanged.get("changed").asBoolean()).isFalse();
    }

    @Test
    void aHoldersWatchThatLosesItsConnectionReleasesTheLeaseAtOnce() throws IOException {
        String e = e();
        http.call("POST", e + "/campaign", "{\"candidateId\":\"app\"}");
        CompletableFuture<HttpHarness.Reply> successor = http.sendAsync("POST", e + "/campaign", "{\"candidateId\":\"next\",\"waitMs\":15000}");
        try (Socket socket = new Socket("127.0.0.1", http.port)) {
            send(socket, e + "/watch?term=1&leaderId=app&waitMs=20000&candidateId=app&releaseOnDisconnect=true");
            socket.setSoTimeout(300);
            InputStream in = socket.getInputStream();
            try {
                assertThat(in.read()).as("the watch must still be waiting").isEqualTo(-2);
            } catch (SocketTimeoutException expected) {
                // nothing answered: the watch is parked
            }
        } // the app "dies": its socket closes
        long start = System.nanoTime();
        JsonNode next = successor.join().json();
        assertThat(next.get("elected").asBoolean()).isTrue();
        assertThat(next.get("lease").get("term").asLong()).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aWaitingCampaignWhoseCallerHangsUpIsNotElectedWhenTheLeaseFrees() throws IOException {
        String e = e();
        http.call("POST", e + "/campaign", "{\"candidateId\":\"app\"}");
        double withIt;
        try (Socket socket = new Socket("127.0.0.1", http.port)) {
            byte[] body = "{\"candidateId\":\"gone\",\"waitMs\":15000}".getBytes(StandardCharsets.US_ASCII);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + e + "/campaign HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + HttpHarness.TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            socket.setSoTimeout(300);
            try {
                assertThat(socket.getInputStream().read()).as("the campaign must still be waiting").isEqualTo(-2);
            } catch (SocketTimeoutException expected) {
                // nothing answered: the campaign is parked
            }
            withIt = http.openConnections();
        } // its caller gives up: the socket closes
        // The lease frees once the sidecar has seen the caller go: a release first would race the close (the campaign
        // then wins term 2 and gives it back at once, 0537522, and the next candidate gets term 3).
        await().atMost(Duration.ofSeconds(5)).until(() -> http.openConnections() < withIt);
        assertThat(http.call("POST", e + "/resign", "{\"candidateId\":\"app\",\"term\":1}").json().get("released")
                .asBoolean()).isTrue();
        // Before, the parked campaign woke on the release and took term 2 for nobody, locking everyone out.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> http.call("GET", e, null).json().get("leaderId").isNull());
        JsonNode next = http.call("POST", e + "/campaign", "{\"candidateId\":\"next\",\"waitMs\":2000}").json();
        assertThat(next.get("elected").asBoolean()).isTrue();
        assertThat(next.get("lease").get("term").asLong()).isEqualTo(2);
    }

    @Test
    void aWatchAnsweredNormallyDoesNotReleaseWhenItsConnectionClosesAfterwards() throws IOException {
        String e = e();
        http.call("POST", e + "/campaign", "{\"candidateId\":\"app\"}");
        try (Socket socket = new Socket("127.0.0.1", http.port)) {
            send(socket, e + "/watch?term=1&leaderId=app&waitMs=100&candidateId=app&releaseOnDisconnect=true");
            socket.setSoTimeout(10_000);
            String head = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(head).isEqualTo("HTTP/1.1 200");
        }
        JsonNode later = http.call("GET", e + "/watch?term=1&leaderId=app&waitMs=500", null).json();
        assertThat(later.get("changed").asBoolean()).isFalse();
        assertThat(later.get("leaderId").asString()).isEqualTo("app");
    }

    private static void send(Socket socket, String pathAndQuery) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + HttpHarness.TOKEN
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    static Stream<Arguments> badRequests() {
        String json = "application/json";
        String campaign = GUARD + "/campaign";
        String renew = GUARD + "/renew";
        return Stream.of(
                bad("upper-case election", "POST", "/v1/elections/Guard/campaign", json, "{\"candidateId\":\"x\"}", 400, ProblemType.INVALID_REQUEST),
                bad("election too long", "GET", "/v1/elections/" + "a".repeat(64), null, null, 400, ProblemType.INVALID_REQUEST),
                bad("election with underscore", "GET", "/v1/elections/a_b/watch", null, null, 400, ProblemType.INVALID_REQUEST),
                bad("malformed JSON", "POST", campaign, json, "{\"candidateId\":", 400, ProblemType.INVALID_REQUEST),
                bad("trailing garbage", "POST", campaign, json, "{\"candidateId\":\"x\"} x", 400, ProblemType.INVALID_REQUEST),
                bad("empty body", "POST", campaign, json, "", 400, ProblemType.INVALID_REQUEST),
                bad("array body", "POST", campaign, json, "[1]", 400, ProblemType.INVALID_REQUEST),
                bad("unknown field", "POST", campaign, json, "{\"candidateId\":\"x\",\"force\":true}", 400, ProblemType.INVALID_REQUEST),
                bad("missing candidateId", "POST", campaign, json, "{\"waitMs\":0}", 400, ProblemType.INVALID_REQUEST),
                bad("numeric candidateId", "POST", campaign, json, "{\"candidateId\":7}", 400, ProblemType.INVALID_REQUEST),
                bad("candidateId with a space", "POST", campaign, json, "{\"candidateId\":\"a b\"}", 400, ProblemType.INVALID_REQUEST),
                bad("candidateId too long", "POST", campaign, json, "{\"candidateId\":\"" + "a".repeat(254) + "\"}", 400, ProblemType.INVALID_REQUEST),
                bad("string waitMs", "POST", campaign, json, "{\"candidateId\":\"x\",\"waitMs\":\"5\"}", 400, ProblemType.INVALID_REQUEST),
                bad("waitMs over 20 s", "POST", campaign, json, "{\"candidateId\":\"x\",\"waitMs\":20001}", 400, ProblemType.INVALID_REQUEST),
                bad("negative waitMs", "POST", campaign, json, "{\"candidateId\":\"x\",\"waitMs\":-1}", 400, ProblemType.INVALID_REQUEST),
                bad("term zero", "POST", renew, json, "{\"candidateId\":\"guard\",\"term\":0}", 400, ProblemType.INVALID_REQUEST),
                bad("fractional term", "POST", renew, json, "{\"candidateId\":\"guard\",\"term\":1.5}", 400, ProblemType.INVALID_REQUEST),
                bad("missing term", "POST", GUARD + "/resign", json, "{\"candidateId\":\"guard\"}", 400, ProblemType.INVALID_REQUEST),
                bad("watch waitMs text", "GET", GUARD + "/watch?waitMs=abc", null, null, 400, ProblemType.INVALID_REQUEST),
                bad("watch waitMs over 20 s", "GET", GUARD + "/watch?waitMs=20001", null, null, 400, ProblemType.INVALID_REQUEST),
                bad("watch negative term", "GET", GUARD + "/watch?term=-1", null, null, 400, ProblemType.INVALID_REQUEST),
                bad("watch bad boolean", "GET", GUARD + "/watch?releaseOnDisconnect=maybe&candidateId=guard", null, null, 400, ProblemType.INVALID_REQUEST),
                bad("release without candidate", "GET", GUARD + "/watch?releaseOnDisconnect=true", null, null, 400, ProblemType.INVALID_REQUEST),
                bad("watch bad candidate", "GET", GUARD + "/watch?candidateId=%20x", null, null, 400, ProblemType.INVALID_REQUEST),
                bad("renew someone else's lease", "POST", renew, json, "{\"candidateId\":\"intruder\",\"term\":1}", 409, ProblemType.LEASE_LOST),
                bad("resign someone else's lease", "POST", GUARD + "/resign", json, "{\"candidateId\":\"intruder\",\"term\":1}", 409, ProblemType.LEASE_LOST),
                bad("renew the holder's name with a wrong term", "POST", renew, json, "{\"candidateId\":\"guard\",\"term\":999}", 409, ProblemType.LEASE_LOST),
                bad("resign the holder's name with a wrong term", "POST", GUARD + "/resign", json, "{\"candidateId\":\"guard\",\"term\":999}", 409, ProblemType.LEASE_LOST),
                bad("oversized body", "POST", campaign, json, "{\"candidateId\":\"" + "a".repeat(70_000) + "\"}", 413, ProblemType.PAYLOAD_TOO_LARGE),
                bad("text content type", "POST", campaign, "text/plain", "{\"candidateId\":\"x\"}", 415, ProblemType.UNSUPPORTED_MEDIA_TYPE),
                bad("no content type", "POST", renew, null, "{}", 415, ProblemType.UNSUPPORTED_MEDIA_TYPE),
                bad("unknown route", "GET", GUARD + "/nope", null, null, 404, ProblemType.ROUTE_NOT_FOUND),
                bad("wrong method", "GET", campaign, null, null, 405, ProblemType.METHOD_NOT_ALLOWED));
    }

    private static Arguments bad(String name, String method, String path, String contentType, String body, int status,
                                 ProblemType type) {
        return Arguments.of(name, method, path, contentType, body, status, type);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badInputIsAProblemAndChangesNothing(String name, String method, String path, String contentType, String body,
                                             int status, ProblemType type) {
        var request = http.request(method, path, contentType, body, true).build();
        boolean inContract = status != 404 && status != 405;
        HttpHarness.Reply reply = inContract ? http.sendChecked(request) : http.send(request);
        assertProblem(reply, status, type);
        JsonNode guard = http.call("GET", GUARD, null).json();
        assertThat(guard.get("leaderId").asString()).isEqualTo("guard");
        assertThat(guard.get("term").asLong()).isEqualTo(guardTerm);
    }

    @Test
    void missingOrWrongTokenIsUnauthorized() {
        assertProblem(http.sendChecked(http.request("POST", GUARD + "/campaign", "application/json", "{\"candidateId\":\"x\"}", false).build()),
                401, ProblemType.UNAUTHORIZED);
        assertProblem(http.sendChecked(http.request("GET", "/", null, null, false).build()), 401, ProblemType.UNAUTHORIZED);
        var wrong = http.request("GET", GUARD, null, null, false).header("Authorization", "Bearer nope").build();
        assertProblem(http.sendChecked(wrong), 401, ProblemType.UNAUTHORIZED);
        assertThat(http.call("GET", GUARD, null).json().get("leaderId").asString()).isEqualTo("guard");
    }

    @Test
    void drainReleasesEveryLeaseSoASuccessorNeedNotWaitForExpiry(@TempDir Path other) {
        SidecarHost first = HttpHarness.leader(other, "jobs", "first");
        HttpHarness client = new HttpHarness(first.port());
        await().atMost(Duration.ofSeconds(10)).until(() -> "first".equals(client.call("GET", "/", null).json().get("name").asString()));
        client.call("POST", "/v1/elections/batch/campaign", "{\"candidateId\":\"app\"}");
        CompletableFuture<HttpHarness.Reply> parked = client.sendAsync("POST", "/v1/elections/batch/campaign",
                "{\"candidateId\":\"other\",\"waitMs\":15000}");
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !parked.isDone());
        first.drainAndClose();
        assertThat(parked.join().status()).isEqualTo(200);
        try (LeaseEngine engine = SqliteLeaseEngine.open(other.resolve("patternkit.db"), Clock.systemUTC())) {
            assertThat(engine.read("jobs").holder()).isNull();
            assertThat(engine.read("batch").holder()).isNull();
        }
    }

    @Test
    void engineOutageIsRetryableUnavailableAndNotReady(@TempDir Path other) {
        LeaseEngine engine = SqliteLeaseEngine.open(other.resolve("patternkit.db"), Clock.systemUTC());
        try (SidecarHost broken = HttpHarness.leaderOn(engine, "x", Ticker.system())) {
            HttpHarness client = new HttpHarness(broken.port());
            assertThat(client.call("GET", "/healthz/ready", null).status()).isEqualTo(200);
            engine.close();
            HttpHarness.Reply campaign = client.call("POST", "/v1/elections/x/campaign", "{\"candidateId\":\"a\"}");
            assertProblem(campaign, 503, ProblemType.ENGINE_UNAVAILABLE);
            assertThat(campaign.raw().headers().firstValue("Retry-After")).contains("1");
            assertProblem(client.call("GET", "/", null), 503, ProblemType.ENGINE_UNAVAILABLE);
            assertThat(client.call("GET", "/healthz/ready", null).status()).isEqualTo(503);
        }
    }

    private static void assertProblem(HttpHarness.Reply reply, int status, ProblemType type) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.contentType()).isEqualTo(Wire.PROBLEM_JSON);
        JsonNode problem = reply.json();
        assertThat(problem.get("type").asString()).isEqualTo(type.uri());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asString()).isNotBlank();
        if (type == ProblemType.INVALID_REQUEST) {
            assertThat(problem.get("errors")).isNotEmpty();
        }
    }
}

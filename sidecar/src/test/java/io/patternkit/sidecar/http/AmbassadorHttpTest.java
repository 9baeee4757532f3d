package io.patternkit.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.patternkit.server.security.TestCertificates;
import io.patternkit.server.security.TlsFiles;
import io.patternkit.sidecar.ambassador.AmbassadorConfig;
import io.patternkit.sidecar.ambassador.AmbassadorModule;
import io.patternkit.sidecar.ambassador.AmbassadorSettings;
import io.patternkit.sidecar.common.SilentListener;
import io.patternkit.sidecar.common.Ticker;
import io.patternkit.sidecar.host.EngineFamily;
import io.patternkit.sidecar.host.SidecarHost;
import io.patternkit.sidecar.scatter.LeafTls;
import io.patternkit.sidecar.scatter.ScatterEngine;
import io.patternkit.sidecar.scatter.ScatterModule;
import io.patternkit.sidecar.scatter.ScatterSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/** The ambassador in an in-process sidecar, in front of real HTTP replicas that answer, fail, hang or are gone. */
class AmbassadorHttpTest {
    private static Vertx upstreamVertx;
    private final List<TestUpstream> replicas = new ArrayList<>();
    private final HttpClient app = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private SidecarHost sidecar;
    private HttpHarness management;
    private int port;

    @TempDir
    Path dir;

    @BeforeAll
    static void startVertx() {
        upstreamVertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        upstreamVertx.close().await();
    }

    @AfterEach
    void stop() {
        if (sidecar != null) {
            sidecar.close();
        }
        replicas.forEach(TestUpstream::close);
    }

    private TestUpstream replica(String name) {
        TestUpstream replica = new TestUpstream(upstreamVertx, name);
        replicas.add(replica);
        return replica;
    }

    /** Three shards of two replicas each, {@code s0-a}, {@code s0-b}, ... */
    private List<List<TestUpstream>> shards(int count) {
        return IntStream.range(0, count).mapToObj(s -> List.of(replica("s" + s + "-a"), replica("s" + s + "-b"))).toList();
    }

    private static String shardsJson(List<List<TestUpstream>> shards, String prefix) {
        return IntStream.range(0, shards.size()).mapToObj(s -> "{\"name\": \"" + prefix + s + "\", \"endpoints\": ["
                + shards.get(s).stream().map(r -> "\"" + r.url() + "\"").collect(Collectors.joining(", ")) + "]}")
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private Path start(String upstreamJson) {
        return start(upstreamJson, Optional.empty());
    }

    private Path start(String upstreamJson, Optional<Path> ca) {
        Path file = dir.resolve("ambassador.json");
        write(file, "{\"upstreams\": [" + upstreamJson.replace("PORT", "0") + "]}");
        AmbassadorSettings settings = new AmbassadorSettings(AmbassadorConfig.load(file, List.of()), Optional.of(file), List.of(),
                Duration.ofMillis(100), Duration.ofMillis(200), ca);
        sidecar = SidecarHost.start(HttpHarness.host(), EngineFamily.none(), List.of(new AmbassadorModule(settings)), Ticker.system());
        management = new HttpHarness(sidecar.port());
        port = boundPort();
        return file;
    }

    /** The port the system chose for the first upstream, configured with port 0, as the management route says. */
    private int boundPort() {
        int bound = management.call("GET", "/v1/ambassador/upstreams", null).json().at("/upstreams/0/port").asInt();
        assertThat(bound).isPositive();
        return bound;
    }

    private HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return app.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String replicaOf(HttpResponse<String> response) {
        return response.headers().firstValue("Replica").orElse("none");
    }

    private String owner(String key) {
        return management.call("GET", "/v1/ambassador/upstreams/terms/owner?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8), null)
                .json().get("stable").asString();
    }

    @Test
    void dnsHttpsEndpointsAreReachedByAddressAndVerifiedAsTheNameTheyWereFoundBy() {
        TestCertificates ca = TestCertificates.authority(dir);
        TlsFiles identity = ca.issue("orders", "DNS:localhost"); // names the Service, not the pod's address
        HttpServerOptions options = new HttpServerOptions();
        identity.applyTo(options, upstreamVertx);
        List<String> seenHosts = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpServer tls = upstreamVertx.createHttpServer(options).requestHandler(r -> {
            seenHosts.add(r.authority().host());
            r.response().end("over tls " + r.path());
        }).listen(0, "127.0.0.1").await();
        try {
            start("{\"name\": \"orders\", \"port\": PORT, \"shards\": [{\"name\": \"s0\", \"endpoints\": [\"dns+https://localhost:"
                    + tls.actualPort() + "\"]}]}", Optional.of(ca.caCertificate()));
            HttpResponse<String> answered = get("/orders/7");
            assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
            assertThat(answered.body()).isEqualTo("over tls /orders/7");
            assertThat(seenHosts).containsOnly("localhost");
            JsonNode endpoints = management.call("GET", "/v1/ambassador/upstreams/orders", null).json().get("versions").get(0)
                    .get("shards").get(0).get("endpoints");
            assertThat(endpoints.get(0).get("url").asString()).isEqualTo("https://127.0.0.1:" + tls.actualPort() + "#localhost");
            sidecar.close();

            // The same replica by address: its certificate does not name 127.0.0.1, so the ambassador refuses it.
            start("{\"name\": \"orders\", \"port\": PORT, \"maxAttempts\": 1, \"shards\": [{\"name\": \"s0\", \"endpoints\": [\"https://127.0.0.1:"
                    + tls.actualPort() + "\"]}]}", Optional.of(ca.caCertificate()));
            HttpResponse<String> refused = get("/orders/7");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).contains("upstream-unavailable");
        } finally {
            tls.close().await();
        }
    }

    @Test
    void registryEndpointsAreTheInstancesRegisteredWithTheScatterPatternOfTheSameSidecar() {
        List<List<TestUpstream>> shards = shards(2);
        Path file = dir.resolve("ambassador.json");
        write(file, "{\"upstreams\": [{\"name\": \"terms\", \"port\": 0, \"shardKey\": \"path:2\", \"shards\": ["
                + "{\"name\": \"s0\", \"endpoints\": [\"registry://terms_pool/s0\"]}, {\"name\": \"s1\", \"endpoints\": [\"registry://terms_pool/s1\"]}]}]}");
        AmbassadorSettings settings = new AmbassadorSettings(AmbassadorConfig.load(file, List.of()), Optional.of(file), List.of(),
                Duration.ofMillis(100), Duration.ofMillis(100), Optional.empty());
        ScatterSettings scatter = new ScatterSettings(4096, Duration.ofSeconds(1), List.of(), List.of(), Duration.ofSeconds(5), 16, Duration.ofSeconds(2),
                new ScatterEngine.Settings(Duration.ofSeconds(30), 6, 20, 10), LeafTls.DEFAULT);
        sidecar = SidecarHost.start(HttpHarness.host(), EngineFamily.none(), List.of(new AmbassadorModule(settings), new ScatterModule(scatter)),
                Ticker.system());
        management = new HttpHarness(sidecar.port());
        port = boundPort();
        assertThat(get("/terms/a").statusCode()).isEqualTo(503); // nothing registered yet
        for (int s = 0; s < 2; s++) {
            for (TestUpstream replica : shards.get(s)) {
                management.call("PUT", "/v1/pools/terms_pool/leaves/" + replica.name, "{\"shard\": \"s" + s + "\", \"url\": \""
                        + replica.url() + "/patternkit/leaf/terms_pool\"}");
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> IntStream.range(0, 20).allMatch(i -> get("/terms/k" + i).statusCode() == 200));
        Map<String, Set<String>> replicasByShard = new HashMap<>();
        for (int i = 0; i < 60; i++) {
            HttpResponse<String> response = get("/terms/k" + i);
            String shard = response.headers().firstValue("Patternkit-Shard").orElseThrow();
            assertThat(replicaOf(response)).startsWith(shard + "-");
            assertThat(response.body()).endsWith("GET /terms/k" + i + " "); // the service's path, not the leaf call's
            replicasByShard.computeIfAbsent(shard, x -> new HashSet<>()).add(replicaOf(response));
        }
        assertThat(replicasByShard).containsOnlyKeys("s0", "s1");
        assertThat(replicasByShard.get("s0")).containsExactlyInAnyOrder("s0-a", "s0-b");

        management.call("DELETE", "/v1/pools/terms_pool/leaves/s0-a", null);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> management.call("GET", "/v1/ambassador/upstreams/terms", null).json()
                .get("versions").get(0).get("shards").get(0).get("endpoints").size() == 1);
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> response = get("/terms/k" + i);
            assertThat(replicaOf(response)).isNotEqualTo("s0-a");
        }
    }

    @Test
    void routesEveryKeyToTheShardThatOwnsItAndUsesBothReplicas() {
        List<List<TestUpstream>> shards = shards(3);
        start("{\"name\": \"terms\", \"port\": PORT, \"shardKey\": \"path:2\", \"shards\": " + shardsJson(shards, "s") + "}");
        Map<String, Set<String>> replicasByShard = new HashMap<>();
        for (int i = 0; i < 150; i++) {
            String key = "term-" + i;
            HttpResponse<String> response = get("/terms/" + key + "?x=1");
            assertThat(response.statusCode()).isEqualTo(200);
            String replica = replicaOf(response);
            String shard = response.headers().firstValue("Patternkit-Shard").orElseThrow();
            assertThat(replica).as(key).startsWith(shard + "-");
            assertThat(shard).isEqualTo(owner(key));
            assertThat(response.body()).isEqualTo(replica + " GET /terms/" + key + "?x=1 ");
            replicasByShard.computeIfAbsent(shard, s -> new HashSet<>()).add(replica);
        }
        assertThat(replicasByShard).containsOnlyKeys("s0", "s1", "s2");
        replicasByShard.values().forEach(r -> assertThat(r).hasSize(2));
        JsonNode status = management.call("GET", "/v1/ambassador/upstreams", null).json();
        assertThat(status.at("/upstreams/0/versions/0/shards")).hasSize(3);
        assertThat(management.call("GET", "/v1/ambassador/upstreams/terms", null).json().get("shardKey").asString()).isEqualTo("path:2");
    }

    @Test
    void aRequestWithoutItsShardKeyIsRefusedAndNamesTheKey() {
        start("{\"name\": \"terms\", \"port\": PORT, \"shardKey\": \"header:Term\", \"shards\": " + shardsJson(shards(2), "s") + "}");
        HttpResponse<String> refused = get("/anything");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.body()).contains("urn:patternkit:problem:invalid-request").contains("header:Term");
        HttpResponse<String> routed = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x")).header("Term", "alpha"));
        assertThat(routed.statusCode()).isEqualTo(200);
    }

    @Test
    void aClientThatOffersHttp2OrAwaitsContinueGetsItsBodyThroughWhole() throws Exception {
        List<List<TestUpstream>> shards = shards(1);
        start("{\"name\": \"terms\", \"port\": PORT, \"shards\": " + shardsJson(shards, "s") + "}");
        HttpClient offersH2c = HttpClient.newHttpClient(); // HTTP/2 by default: asks for an h2c upgrade over plain HTTP
        for (int i = 0; i < 3; i++) {
            byte[] body = ("streamed-" + i).getBytes(StandardCharsets.UTF_8);
            HttpRequest streamed = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/items"))
                    .timeout(Duration.ofSeconds(10)) // no Content-Length: the length is unknown to the client
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))).build();
            HttpResponse<String> response = offersH2c.send(streamed, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).endsWith("POST /items streamed-" + i);
        }
        HttpResponse<String> expecting = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/items"))
                .expectContinue(true).timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString("after 100")));
        assertThat(expecting.statusCode()).isEqualTo(200);
        assertThat(expecting.body()).endsWith("POST /items after 100");
    }

    @Test
    void hopByHopFieldsAndTheFieldsConnectionNamesStayOnTheirOwnConnection() throws IOException {
        List<List<TestUpstream>> shards = shards(1);
        shards.get(0).forEach(r -> r.answerHeaders = Map.of("Connection", "X-Upstream-Only", "X-Upstream-Only", "secret",
                "Keep-Alive", "timeout=5", "Proxy-Authenticate", "Basic realm=\"upstream\"", "X-Answer", "kept"));
        start("{\"name\": \"terms\", \"port\": PORT, \"shards\": " + shardsJson(shards, "s") + "}");
        Map<String, String> answer = new HashMap<>();
        String status;
        // a socket of its own: java.net.http does not let a request carry Connection
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /items HTTP/1.1\r\nHost: terms\r\nConnection: keep-alive, X-App-Only\r\n"
                    + "X-App-Only: private\r\nProxy-Authorization: Basic YTpi\r\nProxy-Connection: keep-alive\r\nX-Request: kept\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            java.io.BufferedReader head = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            status = head.readLine();
            for (String line = head.readLine(); line != null && !line.isEmpty(); line = head.readLine()) {
                answer.put(line.substring(0, line.indexOf(':')).toLowerCase(java.util.Locale.ROOT), line.substring(line.indexOf(':') + 1).trim());
            }
        }
        assertThat(status).isEqualTo("HTTP/1.1 200 OK");
        assertThat(answer).containsEntry("x-answer", "kept").doesNotContainKeys("x-upstream-only", "keep-alive", "proxy-authenticate");
        assertThat(answer.getOrDefault("connection", "")).doesNotContainIgnoringCase("x-upstream-only");
        Map<String, String> received = shards.get(0).stream().flatMap(r -> r.seen.stream()).findFirst().orElseThrow().headers();
        assertThat(received).containsEntry("x-request", "kept").doesNotContainKeys("x-app-only", "proxy-authorization",
                "proxy-connection");
        assertThat(received.getOrDefault("connection", "")).doesNotContainIgnoringCase("x-app-only");
    }

    @Test
    void aRetryWithNoReplicaLeftToTakeItSpendsNoBudgetAndCountsNoRetry() {
        List<List<TestUpstream>> shards = shards(1);
        start("{\"name\": \"terms\", \"port\": PORT, \"shards\": " + shardsJson(shards, "s") + ", \"retryBudgetPercent\": 100,"
                + " \"ejection\": {\"failureRatePercent\": 50, \"window\": 4, \"minimumCalls\": 2, \"duration\": \"PT5M\"}}");
        shards.get(0).get(0).close();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            assertThat(get("/k").statusCode()).isEqualTo(200); // retried on s0-b
            return management.call("GET", "/v1/ambassador/upstreams/terms", null).json()
                    .at("/versions/0/shards/0/endpoints/0/state").asString().equals("open");
        });
        String retriesBefore = retries();
        shards.get(0).get(1).mode = TestUpstream.Mode.UNAVAILABLE;
        HttpResponse<String> busy = get("/k");
        assertThat(busy.statusCode()).isEqualTo(503);
        assertThat(busy.body()).isEqualTo("busy"); // s0-b's own answer: s0-a is ejected, so nothing to retry on
        assertThat(retries()).isEqualTo(retriesBefore);
    }

    private String retries() {
        return scrape().lines().filter(l -> l.startsWith("patternkit_ambassador_retries")).sorted().toList().toString();
    }

    @Test
    void aGoneReplicaIsRetriedOnItsSiblingAndEjectedAndABodyIsNotLost() {
        List<List<TestUpstream>> shards = shards(1);
        start("{\"name\": \"terms\", \"port\": PORT, \"shards\": " + shardsJson(shards, "s") + ", \"retryBudgetPercent\": 100}");
        shards.get(0).get(0).close();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/items"))
                    .POST(HttpRequest.BodyPublishers.ofString("payload-" + i)));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("s0-b POST /items payload-" + i);
        }
        JsonNode endpoints = management.call("GET", "/v1/ambassador/upstreams/terms", null).json().at("/versions/0/shards/0/endpoints");
        assertThat(endpoints.get(0).get("state").asString()).isEqualTo("open");
        assertThat(endpoints.get(0).get("failures").asLong()).isBetween(1L, 3L); // ejected after the minimum of 3 calls
        assertThat(shards.get(0).get(1).seen).hasSize(20);
    }

    @Test
    void whenNoReplicaCanTakeItTheAppGetsAProblemNamingUpstreamAndShard() {
        List<List<TestUpstream>> shards = shards(1);
        start("{\"name\": \"terms\", \"port\": PORT, \"shards\": " + shardsJson(shards, "s") + "}");
        shards.get(0).forEach(TestUpstream::close);
        HttpResponse<String> response = get("/x");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("urn:patternkit:problem:upstream-unavailable")
                .contains("shard s0 of upstream terms").contains("connect");
    }

    @Test
    void aServerErrorIsRetriedForAnIdempotentRequestButPassedOnForAPost() {
        List<List<TestUpstream>> shards = shards(1);
        start("{\"name\": \"terms\", \"port\": PORT, \"shards\": " + shardsJson(shards, "s")
                + ", \"retryBudgetPercent\": 100, \"ejection\": {\"minimumCalls\": 10}}");
        shards.get(0).get(0).mode = TestUpstream.Mode.UNAVAILABLE;
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> response = get("/get-" + i);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(replicaOf(response)).isEqualTo("s0-b");
        }
        shards.get(0).get(1).mode = TestUpstream.Mode.UNAVAILABLE;
        HttpResponse<String> post = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/post"))
                .POST(HttpRequest.BodyPublishers.ofString("once")));
        assertThat(post.statusCode()).isEqualTo(503);
        assertThat(post.body()).isEqualTo("busy"); // the upstream's own answer, not retried: its body was sent
        long posts = shards.get(0).stream().flatMap(r -> r.seen.stream()).filter(s -> s.method().equals("POST")).count();
        assertThat(posts).isEqualTo(1);
    }

    @Test
    void aReplicaThatResetsIsRetriedForAGetButNotForAPostThatReachedIt() {
        List<List<TestUpstream>> shards = shards(1);
        start("{\"name\": \"terms\", \"port\": PORT, \"shards\": " + shardsJson(shards, "s") + ", \"maxAttempts\": 2}");
        TestUpstream resetting = shards.get(0).get(0);
        resetting.mode = TestUpstream.Mode.RESET;
        for (int i = 0; i < 64 && resetting.seen.isEmpty(); i++) { // until the balancer has drawn it first (each draw: 1 in 2)
            HttpResponse<String> response = get("/r-" + i);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(replicaOf(response)).isEqualTo("s0-b");
        }
        assertThat(resetting.seen).isNotEmpty(); // it was tried, and its resets were retried
        shards.get(0).get(1).mode = TestUpstream.Mode.RESET;
        resetting.mode = TestUpstream.Mode.RESET;
        int before = resetting.seen.size() + shards.get(0).get(1).seen.size();
        HttpResponse<String> post = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders"))
                .POST(HttpRequest.BodyPublishers.ofString("once")));
        assertThat(post.statusCode()).isEqualTo(503);
        assertThat(post.body()).contains("upstream-unavailable").contains("reset");
        assertThat(resetting.seen.size() + shards.get(0).get(1).seen.size() - before).isEqualTo(1); // a POST that reached a replica is not sent again
    }

    @Test
    void aHangingReplicaTimesOutPerTryAndTheDeadlineTravelsDownstream() {
        List<List<TestUpstream>> shards = shards(1);
        start("{\"name\": \"terms\", \"port\": PORT, \"shards\": " + shardsJson(shards, "s")
                + ", \"tryTimeout\": \"300ms\", \"timeout\": \"5s\", \"retryBudgetPercent\": 100}");
        shards.get(0).get(0).mode = TestUpstream.Mode.NEVER;
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = get("/slow-" + i);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(replicaOf(response)).isEqualTo("s0-b");
        }
        assertThat(shards.get(0).get(1).seen).allSatisfy(s -> assertThat(Long.parseLong(s.deadlineMs())).isBetween(1L, 5_000L));
        shards.get(0).get(1).mode = TestUpstream.Mode.NEVER;
        HttpResponse<String> timedOut = get("/both-slow");
        assertThat(timedOut.statusCode()).isEqualTo(504);
        assertThat(timedOut.body()).contains("urn:patternkit:problem:upstream-timeout").contains("timeout");
    }

    @Test
    void aConnectionAttemptNobodyAnswersEndsAtTheConnectTimeoutAndFreesItsPoolPlace() throws IOException {
        try (SilentListener gone = new SilentListener()) {
            start("{\"name\": \"terms\", \"port\": PORT, \"shards\": [{\"name\": \"s0\", \"endpoints\": [\"" + gone.url()
                    + "\"]}], \"connectTimeout\": \"300ms\", \"tryTimeout\": \"8s\", \"timeout\": \"10s\", \"maxAttempts\": 1,"
                    + " \"maxConnectionsPerEndpoint\": 1}");
            // One place for the endpoint: the second request's attempt can only start once the first's has given it up.
            for (int request = 1; request <= 2; request++) {
                long start = System.nanoTime();
                HttpResponse<String> response = get("/x");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("request %d", request).isLessThan(Duration.ofSeconds(4));
                assertThat(response.statusCode()).as("request %d", request).isEqualTo(503);
                assertThat(response.body()).contains("urn:patternkit:problem:upstream-unavailable").contains("connect");
            }
        }
    }

    @Test
    void aHedgeToTheOtherReplicaAnswersWhileTheFirstHangsAndTheLoserIsCalledOff() {
        List<List<TestUpstream>> shards = shards(1);
        // Hedges count as attempts (as in gRPC's hedging policy): two attempts, the second one a hedge.
        start("{\"name\": \"terms\", \"port\": PORT, \"shards\": " + shardsJson(shards, "s")
                + ", \"maxAttempts\": 2, \"tryTimeout\": \"3s\", \"ejection\": {\"minimumCalls\": 10},"
                + " \"hedging\": {\"maxDelay\": \"50ms\", \"maxExtraLoadPercent\": 100}}");
        TestUpstream hanging = shards.get(0).get(0);
        hanging.mode = TestUpstream.Mode.NEVER;
        for (int i = 0; i < 64 && hanging.seen.isEmpty(); i++) { // until the balancer has drawn it first (each draw: 1 in 2)
            HttpResponse<String> response = get("/h-" + i);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(replicaOf(response)).isEqualTo("s0-b");
        }
        assertThat(hanging.seen).isNotEmpty(); // power of two choices sent it first attempts, and hedges rescued them
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(hanging.calledOff.get()).isEqualTo(hanging.seen.size()));
        assertThat(scrape()).contains("patternkit_ambassador_hedges_total{upstream=\"terms\"} " + hanging.seen.size() + ".0");
        JsonNode endpoints = management.call("GET", "/v1/ambassador/upstreams/terms", null).json().at("/versions/0/shards/0/endpoints");
        assertThat(endpoints.get(0).get("outstanding").asInt()).isZero(); // a called-off attempt is no longer counted
    }

    @Test
    void theRetryBudgetStopsARetryStorm() {
        List<List<TestUpstream>> shards = shards(1);
        start("{\"name\": \"terms\", \"port\": PORT, \"shards\": " + shardsJson(shards, "s")
                + ", \"retryBudgetPercent\": 0, \"retryBurst\": 2, \"ejection\": {\"minimumCalls\": 10, \"window\": 100}}");
        shards.get(0).forEach(r -> r.mode = TestUpstream.Mode.UNAVAILABLE);
        for (int i = 0; i < 10; i++) {
            assertThat(get("/x").statusCode()).isEqualTo(503);
        }
        long attempts = shards.get(0).stream().mapToLong(r -> r.seen.size()).sum();
        assertThat(attempts).isEqualTo(10 + 2); // ten first attempts, and only the burst of two retries
        assertThat(scrape()).contains("patternkit_ambassador_retries_denied_total{upstream=\"terms\"} 8.0");
    }

    @Test
    void aCanaryTakesItsShareOfRequests() {
        List<List<TestUpstream>> stable = shards(1);
        TestUpstream canary = replica("canary");
        start("{\"name\": \"terms\", \"port\": PORT, \"shards\": " + shardsJson(stable, "s")
                + ", \"canary\": {\"percent\": 10, \"shards\": [{\"name\": \"c0\", \"endpoints\": [\"" + canary.url() + "\"]}]}}");
        int n = 2_000;
        int toCanary = 0;
        for (int i = 0; i < n; i++) {
            HttpResponse<String> response = get("/c");
            if (replicaOf(response).equals("canary")) {
                toCanary++;
                assertThat(response.headers().firstValue("Patternkit-Version")).hasValue("canary");
            }
        }
        // 10 % of 2,000: sigma is 13.4 requests; four sigmas either way.
        assertThat(toCanary).isBetween(146, 254);
    }

    @Test
    void aReloadedConfigWithAFourthShardMovesAboutAQuarterOfTheKeysAllToIt() {
        List<List<TestUpstream>> shards = shards(4);
        String three = "{\"name\": \"terms\", \"port\": PORT, \"shardKey\": \"query:term\", \"shards\": "
                + shardsJson(shards.subList(0, 3), "s") + "}";
        Path file = start(three);
        List<String> keys = IntStream.range(0, 400).mapToObj(i -> "k" + i).toList();
        Map<String, String> before = new HashMap<>();
        keys.forEach(k -> before.put(k, get("/lookup?term=" + k).headers().firstValue("Patternkit-Shard").orElseThrow()));

        write(file, "{\"upstreams\": [" + three.replace("PORT", "0").replace(shardsJson(shards.subList(0, 3), "s"),
                shardsJson(shards, "s")) + "]}");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                management.call("GET", "/v1/ambassador/upstreams/terms", null).json().at("/versions/0/shards").size() == 4);
        int moved = 0;
        for (String key : keys) {
            String now = get("/lookup?term=" + key).headers().firstValue("Patternkit-Shard").orElseThrow();
            if (!now.equals(before.get(key))) {
                moved++;
                assertThat(now).isEqualTo("s3");
            }
        }
        assertThat(moved).isBetween(60, 140); // a quarter of 400 is 100

        write(file, "{\"upstreams\": [");
        Awaitility.await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(get("/lookup?term=k1").statusCode()).isEqualTo(200)); // a broken file leaves the routes alone
    }

    @Test
    void aReloadThatChangesWhatTheClientWasMadeWithWarnsEachTimeAndKeepsIt() {
        List<List<TestUpstream>> shards = shards(1);
        String base = "{\"name\": \"terms\", \"port\": PORT, \"shards\": " + shardsJson(shards, "s");
        Path file = start(base + "}");
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        Logger log = (Logger) LoggerFactory.getLogger("io.patternkit.sidecar.ambassador.ConfigReloader");
        log.addAppender(warnings);
        try {
            String live = base.replace("PORT", "0");
            for (String tryTimeout : List.of("3s", "4s")) { // two reloads, each with the changed connectTimeout
                write(file, "{\"upstreams\": [" + live + ", \"connectTimeout\": \"5s\", \"tryTimeout\": \"" + tryTimeout + "\"}]}");
                long expected = Duration.parse("PT" + tryTimeout).toMillis();
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> management.call("GET",
                        "/v1/ambassador/upstreams/terms", null).json().get("tryTimeoutMs").asLong() == expected);
            }
            assertThat(warnings.list).filteredOn(e -> e.getFormattedMessage().contains("connectTimeout takes a restart"))
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .containsExactly("upstream terms: connectTimeout takes a restart to change; keeping PT2S",
                            "upstream terms: connectTimeout takes a restart to change; keeping PT2S");
        } finally {
            log.detachAppender(warnings);
        }
    }

    @Test
    void aDnsNameStandsForEveryAddressItResolvesTo() {
        TestUpstream replica = replica("by-dns");
        int replicaPort = URI.create(replica.url()).getPort();
        start("{\"name\": \"terms\", \"port\": PORT, \"shards\": [{\"name\": \"s0\", \"endpoints\": [\"dns+http://localhost:"
                + replicaPort + "\"]}]}");
        assertThat(replicaOf(get("/x"))).isEqualTo("by-dns");
        JsonNode endpoints = management.call("GET", "/v1/ambassador/upstreams/terms", null).json().at("/versions/0/shards/0/endpoints");
        assertThat(endpoints.findValuesAsString("url")).contains("http://127.0.0.1:" + replicaPort)
                .allSatisfy(url -> assertThat(url).doesNotContain("localhost"));
    }

    @Test
    void aMirrorGetsACopyOfEveryRequestWhoseBodyIsAtHandAndNeverDelaysTheApp() {
        List<List<TestUpstream>> shards = shards(1);
        TestUpstream shadow = replica("shadow");
        shadow.mode = TestUpstream.Mode.NEVER; // a shadow that never answers must not hold the app's requests
        start("{\"name\": \"terms\", \"port\": PORT, \"shards\": " + shardsJson(shards, "s") + ", \"maxBufferedBodyBytes\": 16"
                + ", \"mirror\": {\"percent\": 100, \"nonIdempotent\": true, \"endpoints\": [\"" + shadow.url() + "\"]}}");
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/m-" + i))
                    .header("X-Trace", "t" + i));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(replicaOf(response)).startsWith("s0-");
        }
        HttpResponse<String> post = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/p"))
                .POST(HttpRequest.BodyPublishers.ofString("small body")));
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.body()).endsWith("POST /p small body");
        HttpResponse<String> large = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/large"))
                .POST(HttpRequest.BodyPublishers.ofString("a body over the 16 bytes buffered")));
        assertThat(large.body()).endsWith("POST /large a body over the 16 bytes buffered"); // streamed through, not copied
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(shadow.seen)
                .extracting(TestUpstream.Seen::uri).containsExactlyInAnyOrder("/m-0", "/m-1", "/m-2", "/m-3", "/m-4", "/p"));
        assertThat(shadow.seen).filteredOn(seen -> seen.uri().equals("/p")).singleElement()
                .satisfies(seen -> assertThat(seen.body()).isEqualTo("small body"));
    }

    @Test
    void anIdempotentRequestWithABufferedBodyIsRetriedWithItsBodyAndALargerOneIsNot() {
        List<List<TestUpstream>> shards = shards(1);
        start("{\"name\": \"terms\", \"port\": PORT, \"shards\": " + shardsJson(shards, "s") + ", \"maxBufferedBodyBytes\": 16}");
        shards.get(0).get(0).mode = TestUpstream.Mode.UNAVAILABLE; // s0-a answers 503: the PUT goes to s0-b with the same body
        // the balancer draws s0-a first for half the requests: send until it has (64 draws all missing it: 2^-64)
        for (int i = 0; i < 64 && shards.get(0).get(0).seen.isEmpty(); i++) {
            HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/doc/" + i))
                    .PUT(HttpRequest.BodyPublishers.ofString("v" + i)));
            assertThat(put.statusCode()).isEqualTo(200);
            assertThat(put.body()).isEqualTo("s0-b PUT /doc/" + i + " v" + i);
        }
        assertThat(shards.get(0).get(0).seen).isNotEmpty().allSatisfy(seen -> assertThat(seen.body()).startsWith("v"));
        shards.get(0).get(1).mode = TestUpstream.Mode.UNAVAILABLE;
        int before = shards.get(0).get(0).seen.size() + shards.get(0).get(1).seen.size();
        HttpResponse<String> large = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/doc/big"))
                .PUT(HttpRequest.BodyPublishers.ofString("a body over the 16 bytes buffered")));
        int after = shards.get(0).get(0).seen.size() + shards.get(0).get(1).seen.size();
        assertThat(after - before).isEqualTo(1); // streamed once: whatever it was answered, it is not sent again
        assertThat(large.statusCode()).isEqualTo(503); // the one replica's answer, passed on
    }

    @Test
    void anAppThatHangsUpCallsItsAttemptOffWithoutBlamingOrRetrying() {
        List<List<TestUpstream>> shards = shards(1);
        start("{\"name\": \"terms\", \"port\": PORT, \"shards\": " + shardsJson(shards, "s") + ", \"tryTimeout\": \"10s\"}");
        shards.get(0).forEach(r -> r.mode = TestUpstream.Mode.NEVER);
        HttpRequest impatient = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow")).timeout(Duration.ofMillis(300)).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> app.send(impatient, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(java.net.http.HttpTimeoutException.class);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
                shards.get(0).stream().mapToInt(r -> r.calledOff.get()).sum() == 1);
        Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() ->
                shards.get(0).stream().mapToInt(r -> r.seen.size()).sum() == 1); // not retried for nobody
        JsonNode endpoints = management.call("GET", "/v1/ambassador/upstreams/terms", null).json().at("/versions/0/shards/0/endpoints");
        assertThat(endpoints.findValuesAsString("failures")).containsOnly("0");
        assertThat(endpoints.findValuesAsString("outstanding")).containsOnly("0");
        assertThat(scrape()).contains("status=\"499\"");
    }

    @Test
    void malformedShardKeysAndWebSocketUpgradesGetAnAnswer() {
        start("{\"name\": \"terms\", \"port\": PORT, \"shardKey\": \"query:term\", \"shards\": " + shardsJson(shards(2), "s") + "}");
        for (String query : List.of("term=%zz", "term=%C3%28", "term=caf%C3%A9&x=%zz")) {
            String response = HttpHarness.raw(port, "/lookup?" + query, "");
            if (query.startsWith("term=caf")) {
                assertThat(response).as(query).startsWith("HTTP/1.1 200"); // only the key must be well-formed
            } else {
                assertThat(response).as(query).startsWith("HTTP/1.1 400").contains("urn:patternkit:problem:invalid-request")
                        .contains("malformed");
            }
        }
        assertThat(HttpHarness.raw(sidecar.port(), "/v1/ambassador/upstreams/terms/owner?key=%zz", "Authorization: Bearer " + HttpHarness.TOKEN + "\r\n"))
                .startsWith("HTTP/1.1 400").contains("urn:patternkit:problem:invalid-request");
        HttpResponse<String> upgrade = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ws?term=a"))
                .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").header("Sec-WebSocket-Version", "13"));
        assertThat(upgrade.statusCode()).isLessThan(500); // proxied as a plain GET, not left hanging
    }

    @Test
    void managementAnswersProblemsForUnknownUpstreamsAndMissingKeys() {
        start("{\"name\": \"terms\", \"port\": PORT, \"shards\": " + shardsJson(shards(1), "s") + "}");
        HttpHarness.Reply unknown = management.call("GET", "/v1/ambassador/upstreams/orders", null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).contains("no upstream is named orders");
        assertThat(management.call("GET", "/v1/ambassador/upstreams/terms/owner?key=any", null).json().get("stable").asString())
                .isEqualTo("s0");
        // An empty key is a key: a proxied request carrying one is routed by it, so the contract allows asking for it.
        assertThat(management.call("GET", "/v1/ambassador/upstreams/terms/owner?key=", null).json().get("stable").asString())
                .isEqualTo("s0");
        HttpHarness.Reply noKey = management.sendChecked(management.request("GET", "/v1/ambassador/upstreams/terms/owner", null, null, true).build());
        assertThat(noKey.status()).isEqualTo(400);
        assertThat(noKey.body()).contains("urn:patternkit:problem:invalid-request").contains("key=K");
        HttpHarness.Reply twice = management.sendChecked(management.request("GET",
                "/v1/ambassador/upstreams/terms/owner?key=a&key=b", null, null, true).build());
        assertThat(twice.status()).isEqualTo(400);
        assertThat(twice.body()).contains("urn:patternkit:problem:invalid-request").contains("more than once");
    }

    private String scrape() {
        return management.send(management.request("GET", "/metrics", null, null, true).build()).body();
    }

    private static void write(Path file, String text) {
        try {
            Path tmp = Files.writeString(file.resolveSibling(file.getFileName() + ".tmp"), text);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

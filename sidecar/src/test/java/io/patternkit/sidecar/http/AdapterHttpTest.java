package io.patternkit.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.patternkit.sidecar.adapter.AdapterConfig;
import io.patternkit.sidecar.adapter.AdapterModule;
import io.patternkit.sidecar.common.Ticker;
import io.patternkit.sidecar.host.EngineFamily;
import io.patternkit.sidecar.host.SidecarHost;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The adapter in an in-process sidecar, checking a real HTTP app, a TCP port, commands and a SQLite database. */
class AdapterHttpTest {
    private Vertx vertx;
    private HttpServer app;
    private volatile int appStatus = 200;
    /** When set, the app sends a 200's headers and the start of its body, then nothing more. */
    private volatile boolean appHangsInItsBody;
    private SidecarHost sidecar;
    private HttpHarness http;

    @TempDir
    Path dir;

    @BeforeEach
    void startApp() {
        vertx = Vertx.vertx();
        app = vertx.createHttpServer().requestHandler(r -> {
            if (appHangsInItsBody) {
                r.response().putHeader("Content-Length", "100").write("o");
            } else {
                r.response().setStatusCode(appStatus).end();
            }
        }).listen(0, "127.0.0.1").await();
    }

    @AfterEach
    void stop() {
        if (sidecar != null) {
            sidecar.close();
        }
        vertx.close().await();
    }

    private void start(String checksJson) throws IOException {
        Path file = Files.writeString(dir.resolve("adapter.json"), "{\"checks\": [" + checksJson + "]}");
        sidecar = SidecarHost.start(HttpHarness.host(), EngineFamily.none(),
                List.of(new AdapterModule(AdapterConfig.load(file), Map.of("DB_PASSWORD", "unused")::get)), Ticker.system());
        http = new HttpHarness(sidecar.port());
    }

    private HttpHarness.Reply probe(String probe) {
        return http.sendChecked(http.request("GET", "/adapter/healthz/" + probe, null, null, false).build());
    }

    @Test
    void healthyChecksMakeBothProbesUpAndAFailingOneIsNamedUntilItRecovers() throws IOException {
        Path db = dir.resolve("app.db");
        start("{\"name\": \"web\", \"probe\": \"ready\", \"http\": {\"url\": \"http://127.0.0.1:" + app.actualPort() + "/status?token=s3cret\"},"
                + " \"interval\": \"500ms\", \"timeout\": \"500ms\", \"failureThreshold\": 2},"
                + "{\"name\": \"port\", \"probe\": \"ready\", \"tcp\": {\"host\": \"127.0.0.1\", \"port\": " + app.actualPort() + "},"
                + " \"interval\": \"500ms\", \"timeout\": \"500ms\"},"
                + "{\"name\": \"db\", \"probe\": \"ready\", \"jdbc\": {\"url\": \"jdbc:sqlite:" + db + "\", \"passwordEnv\": \"DB_PASSWORD\"},"
                + " \"interval\": \"500ms\", \"timeout\": \"500ms\"},"
                + "{\"name\": \"process\", \"probe\": \"live\", \"command\": [\"true\"], \"interval\": \"500ms\", \"timeout\": \"500ms\"}");
        // Runs on a busy machine may still time out now and then, so each probe's answer is awaited, not read once.
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpHarness.Reply ready = probe("ready");
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().get("checks").findValuesAsString("name")).containsExactly("web", "port", "db");
            assertThat(probe("live").status()).isEqualTo(200);
        });

        appStatus = 500;
        // Each failed run of a check replaces its last error, and a run may time out instead of reading the 500.
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpHarness.Reply failing = probe("ready");
            assertThat(failing.status()).isEqualTo(503);
            assertThat(failing.contentType()).isEqualTo("application/problem+json");
            assertThat(failing.json().get("type").asString()).isEqualTo("urn:patternkit:problem:check-failed");
            assertThat(failing.json().get("detail").asString()).contains("check web is failing").contains("answered 500")
                    .contains("/status").doesNotContain("s3cret"); // this answer needs no token: no credential in it
            assertThat(failing.json().get("errors").findValuesAsString("field")).containsExactly("web");
        });
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> probe("live").status() == 200); // liveness has its own checks

        appStatus = 200;
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(probe("ready").status()).isEqualTo(200);
            JsonNode checks = http.call("GET", "/v1/adapter/checks", null).json().get("checks");
            assertThat(checks.findValuesAsString("status")).containsOnly("passing");
        });
        assertThat(http.send(http.request("GET", "/metrics", null, null, true).build()).body())
                .contains("patternkit_adapter_check_healthy{check=\"web\",probe=\"ready\"} 1.0")
                .contains("patternkit_adapter_check_failures_total{check=\"web\"}");
    }

    @Test
    void aStartupCheckPassesOnceAndIsNotRunAgainAsAKubernetesStartupProbe() throws IOException {
        appStatus = 500;
        start("{\"name\": \"boot\", \"probe\": \"started\", \"http\": {\"url\": \"http://127.0.0.1:" + app.actualPort() + "/\"},"
                + " \"interval\": \"100ms\", \"timeout\": \"100ms\", \"failureThreshold\": 30}");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> http.call("GET", "/v1/adapter/checks", null).json()
                .get("checks").get(0).has("lastRun"));
        assertThat(probe("started").status()).isEqualTo(503);
        assertThat(probe("ready").status()).isEqualTo(200); // no readiness checks: the startup check is its own probe's
        appStatus = 200;
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> probe("started").status() == 200);
        String lastRun = http.call("GET", "/v1/adapter/checks", null).json().get("checks").get(0).get("lastRun").asString();
        appStatus = 500;
        Awaitility.await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(3)).until(() -> probe("started").status() == 200
                && http.call("GET", "/v1/adapter/checks", null).json().get("checks").get(0).get("lastRun").asString().equals(lastRun));
    }

    @Test
    void failingCommandsPortsAndQueriesSayWhy() throws IOException {
        int closed = freePort();
        start("{\"name\": \"process\", \"probe\": \"live\", \"command\": [\"false\"], \"interval\": \"100ms\", \"timeout\": \"100ms\","
                + " \"failureThreshold\": 2},"
                + "{\"name\": \"port\", \"probe\": \"ready\", \"tcp\": {\"host\": \"127.0.0.1\", \"port\": " + closed + "},"
                + " \"interval\": \"100ms\", \"timeout\": \"100ms\"},"
                + "{\"name\": \"db\", \"probe\": \"ready\", \"jdbc\": {\"url\": \"jdbc:sqlite:" + dir.resolve("x.db")
                + "\", \"query\": \"SELECT * FROM missing\"}, \"interval\": \"100ms\", \"timeout\": \"100ms\", \"failureThreshold\": 1}");
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> { // a run may time out instead, as above
            HttpHarness.Reply live = probe("live");
            assertThat(live.status()).isEqualTo(503);
            assertThat(live.json().get("detail").asString()).contains("check process is failing: false exited with 1");
        });
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String detail = probe("ready").json().get("detail").asString();
            assertThat(detail).contains("check port is").contains("cannot connect to 127.0.0.1:" + closed)
                    .contains("check db is failing: jdbc:sqlite:").contains("no such table: missing");
        });
    }

    @Test
    void anAppThatHangsAfterItsHeadersFailsItsCheckAtTheTimeout() throws IOException {
        start("{\"name\": \"web\", \"probe\": \"live\", \"http\": {\"url\": \"http://127.0.0.1:" + app.actualPort()
                + "/status\"}, \"interval\": \"200ms\", \"timeout\": \"200ms\", \"failureThreshold\": 1}");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> probe("live").status() == 200);
        appHangsInItsBody = true;
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> probe("live").status() == 503);
        assertThat(probe("live").json().get("detail").asString()).contains("check web is failing").contains("200 ms");
    }

    @Test
    void statsdLinesBecomePrometheusSeriesAndBadOnesAreCountedNotKept() throws Exception {
        int udp = freeUdpPort();
        Path file = Files.writeString(dir.resolve("adapter.json"), "{\"statsd\": {\"port\": " + udp + "}}");
        sidecar = SidecarHost.start(HttpHarness.host(), EngineFamily.none(),
                List.of(new AdapterModule(AdapterConfig.load(file), Map.<String, String>of()::get)), Ticker.system());
        http = new HttpHarness(sidecar.port());
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket()) {
            for (String packet : List.of("orders.placed:3|c|#region:eu\norders.placed:1|c|@0.5|#region:eu", "queue.depth:7|g",
                    "queue.depth:+3|g", "render.time:250|ms", "not a line", "visitors:alice|s", "orders.placed:1|g|#region:eu",
                    "orders.placed:1|c|#shop:x", "orders.placed:2|g|#region:us", "orders_placed:1|c|#region:eu",
                    "orders_placed:1|c|#region:eu", "patternkit.adapter.statsd.lines:1|c", "patternkit_adapter_statsd_lines:1000000|c",
                    "orders.placed:1|c|#zone:eu", "http.server.requests:5|ms|#method:GET,outcome:SUCCESS,status:200,uri:/x",
                    "jmx.scrape.error:1|g")) {
                // from the 7th on, names taken: the app's own with other labels or type, the sidecar's, one Prometheus
                // spells alike; the refused zone series must not take the region series, whose label value it shares
                byte[] bytes = packet.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                socket.send(new java.net.DatagramPacket(bytes, bytes.length, java.net.InetAddress.getLoopbackAddress(), udp));
            }
            byte[] latin1 = {'a', ':', (byte) 0xE9, '|', 'c'};
            socket.send(new java.net.DatagramPacket(latin1, latin1.length, java.net.InetAddress.getLoopbackAddress(), udp));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics())
                .contains("orders_placed_total{region=\"eu\"} 5.0")
                .contains("queue_depth 10.0")
                .contains("render_time_seconds_count 1")
                .contains("patternkit_adapter_statsd_dropped_total{reason=\"malformed\"} 2.0")
                .contains("patternkit_adapter_statsd_dropped_total{reason=\"conflict\"} 6.0")
                .contains("patternkit_adapter_statsd_dropped_total{reason=\"reserved\"} 4.0")
                .doesNotContain("patternkit_adapter_statsd_lines_total 1000000")
                .doesNotContain("shop=").doesNotContain("region=\"us\"")
                .contains("patternkit_adapter_statsd_dropped_total{reason=\"encoding\"} 1.0"));
    }

    @Test
    void queryRowsBecomeGaugesThatFollowTheTable() throws Exception {
        Path db = dir.resolve("jobs.db");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db); java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("CREATE TABLE jobs (state TEXT, n INTEGER)");
            st.executeUpdate("INSERT INTO jobs VALUES ('running', 3), ('failed', 1)");
        }
        Path file = Files.writeString(dir.resolve("adapter.json"), "{\"sqlMetrics\": [{\"name\": \"jobs\", \"jdbc\": {\"url\": \"jdbc:sqlite:"
                + db + "\"}, \"query\": \"SELECT state, n FROM jobs\", \"labels\": [\"state\"], \"values\": [\"n\"], \"interval\": \"100ms\","
                + " \"timeout\": \"100ms\"}]}");
        sidecar = SidecarHost.start(HttpHarness.host(), EngineFamily.none(),
                List.of(new AdapterModule(AdapterConfig.load(file), Map.<String, String>of()::get)), Ticker.system());
        http = new HttpHarness(sidecar.port());
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics())
                .contains("jobs_n{state=\"running\"} 3.0").contains("jobs_n{state=\"failed\"} 1.0"));
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db); java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM jobs WHERE state = 'failed'");
            st.executeUpdate("UPDATE jobs SET n = 5");
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics())
                .contains("jobs_n{state=\"running\"} 5.0").doesNotContain("jobs_n{state=\"failed\"}"));
    }

    /** In front of the PostgreSQL the tests use (PATTERNKIT_TEST_JDBC_URL; skipped only where it is not set): SELECT 1 and pg_stat_activity. */
    @Test
    void inFrontOfPostgresqlAJdbcCheckAndActivityGauges() throws Exception {
        String url = System.getenv("PATTERNKIT_TEST_JDBC_URL");
        org.junit.jupiter.api.Assumptions.assumeTrue(url != null && !url.isBlank(), "PATTERNKIT_TEST_JDBC_URL is not set");
        Path file = Files.writeString(dir.resolve("adapter.json"), "{\"checks\": [{\"name\": \"postgres\", \"probe\": \"ready\","
                + " \"jdbc\": {\"url\": \"" + url + "\"}, \"interval\": \"200ms\", \"timeout\": \"200ms\"}],"
                + " \"sqlMetrics\": [{\"name\": \"pg_stat_activity\", \"jdbc\": {\"url\": \"" + url + "\"},"
                + " \"query\": \"SELECT coalesce(state, 'none') AS state, count(*) AS connections FROM pg_stat_activity GROUP BY 1\","
                + " \"labels\": [\"state\"], \"values\": [\"connections\"], \"interval\": \"200ms\", \"timeout\": \"200ms\"}]}");
        sidecar = SidecarHost.start(HttpHarness.host(), EngineFamily.none(),
                List.of(new AdapterModule(AdapterConfig.load(file), Map.<String, String>of()::get)), Ticker.system());
        http = new HttpHarness(sidecar.port());
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> probe("ready").status() == 200);
        // The gauge's own query is an active connection while it runs.
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(metrics()).containsPattern("pg_stat_activity_connections\\{state=\"active\"\\} [1-9]"));
        assertThat(http.call("GET", "/v1/adapter/checks", null).body()).doesNotContain("password");
    }

    @Test
    void theAppsLogsInEveryFormatBecomeOneShapeAtTheEndpointAndBadQueriesAreRefused() throws Exception {
        Path access = dir.resolve("access.log");
        Path app = dir.resolve("app.log");
        Path pipe = dir.resolve("events.pipe");
        Path file = Files.writeString(dir.resolve("adapter.json"), "{\"logs\": {\"multilineFlush\": \"50ms\", \"sources\": ["
                + "{\"name\": \"access\", \"file\": \"" + access + "\", \"format\": \"combined\"},"
                + "{\"name\": \"app\", \"file\": \"" + app + "\", \"format\": \"text\"},"
                + "{\"name\": \"events\", \"pipe\": \"" + pipe + "\", \"format\": \"logfmt\"}]}}");
        sidecar = SidecarHost.start(HttpHarness.host(), EngineFamily.none(),
                List.of(new AdapterModule(AdapterConfig.load(file), Map.<String, String>of()::get)), Ticker.system());
        http = new HttpHarness(sidecar.port());
        Files.writeString(access, "127.0.0.1 - - [03/Dec/2026:05:10:00 +0000] \"GET /terms?term=x HTTP/1.1\" 500 12 \"-\" \"curl\"\n");
        Files.writeString(app, "2026-12-03T05:10:01Z ERROR lookup failed\njava.lang.IllegalStateException: boom\n"
                + "\tat com.example.App.run(App.java:10)\n");
        Files.writeString(pipe, "level=warn msg=\"queue deep\" depth=90\n"); // opens the pipe as a writer would: the adapter made it

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> http.call("GET", "/v1/adapter/logs", null).json()
                .get("records").size() == 3);
        JsonNode body = http.call("GET", "/v1/adapter/logs?lines=10", null).json();
        assertThat(body.get("sources").toString()).isEqualTo("[\"access\",\"app\",\"events\"]");
        assertThat(body.get("capacity").asInt()).isEqualTo(1000);
        JsonNode errors = http.call("GET", "/v1/adapter/logs?level=error", null).json().get("records");
        assertThat(errors.findValuesAsString("source")).containsExactlyInAnyOrder("access", "app");
        JsonNode accessRecord = http.call("GET", "/v1/adapter/logs?source=access", null).json().get("records").get(0);
        assertThat(accessRecord.get("message").asString()).isEqualTo("GET /terms?term=x HTTP/1.1");
        assertThat(accessRecord.get("fields").get("status").asInt()).isEqualTo(500);
        assertThat(accessRecord.get("time").asString()).isEqualTo("2026-12-03T05:10:00Z");
        JsonNode appRecords = http.call("GET", "/v1/adapter/logs?source=app", null).json().get("records");
        assertThat(appRecords).hasSize(1);
        assertThat(appRecords.get(0).get("message").asString())
                .isEqualTo("ERROR lookup failed\njava.lang.IllegalStateException: boom\n\tat com.example.App.run(App.java:10)");
        JsonNode event = http.call("GET", "/v1/adapter/logs?source=events", null).json().get("records").get(0);
        assertThat(event.get("level").asString()).isEqualTo("WARN");
        assertThat(event.get("fields").get("depth").asString()).isEqualTo("90");
        assertThat(http.call("GET", "/v1/adapter/logs?lines=1", null).json().get("records")).hasSize(1);
        assertThat(metrics()).contains("patternkit_adapter_log_records_total{outcome=\"parsed\",source=\"app\"} 1.0");

        assertThat(http.call("GET", "/v1/adapter/logs?source=nobody", null).status()).isEqualTo(404);
        assertThat(http.call("GET", "/v1/adapter/logs?level=warn", null).json().get("records")).hasSize(3);
        for (String bad : List.of("lines=0", "lines=x", "level=loud", "level=Warn", "source=Nobody", "source=a_b",
                "lines=1&lines=2")) {
            HttpHarness.Reply refused = http.send(http.request("GET", "/v1/adapter/logs?" + bad, null, null, true).build());
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.json().get("type").asString()).isEqualTo("urn:patternkit:problem:invalid-request");
        }
        // A malformed escape used to reach the route as Vert.x's own exception, answered 500 internal error.
        assertThat(HttpHarness.raw(sidecar.port(), "/v1/adapter/logs?lines=%zz", "Authorization: Bearer " + HttpHarness.TOKEN
                + "\r\n")).startsWith("HTTP/1.1 400").contains("urn:patternkit:problem:invalid-request");
    }

    @Test
    void anotherProcesssPrometheusAndJsonEndpointsAreServedRenamedAndRelabelledAndADownOneIsUpZero() throws Exception {
        String exposition = """
                # HELP http_requests_total Requests served.
                # TYPE http_requests_total counter
                http_requests_total{method="GET",app="inner"} 1027
                # TYPE queue_depth gauge
                queue_depth 7
                # TYPE requests_total counter
                requests_total 5
                # TYPE requests_created gauge
                requests_created 1.7e9
                # TYPE build_info gauge
                build_info{version="1.2"} 1
                # TYPE latency_seconds histogram
                latency_seconds_bucket{le="0.1"} 2
                latency_seconds_bucket{le="1"} 5
                latency_seconds_bucket{le="+Inf"} 6
                latency_seconds_sum 2.5
                latency_seconds_count 6
                # TYPE rpc_seconds summary
                rpc_seconds{quantile="0.99"} 0.25
                rpc_seconds_sum 9
                rpc_seconds_count 40
                go_goroutines 12
                """;
        HttpServer legacy = vertx.createHttpServer().requestHandler(r -> {
            if (r.path().equals("/metrics")) {
                r.response().putHeader("Content-Type", "text/plain; version=0.0.4").end(exposition);
            } else {
                r.response().putHeader("Content-Type", "application/json").end("{\"pool\": {\"active\": 3, \"healthy\": true, \"huge\": 1" + "0".repeat(320) + "}}");
            }
        }).listen(0, "127.0.0.1").await();
        int closed = freePort();
        Path file = Files.writeString(dir.resolve("adapter.json"), "{\"scrapes\": ["
                + "{\"name\": \"legacy\", \"url\": \"http://127.0.0.1:" + legacy.actualPort() + "/metrics\", \"labels\": {\"app\": \"legacy\"},"
                + " \"drop\": \"go_.*\"},"
                + "{\"name\": \"pool\", \"url\": \"http://127.0.0.1:" + legacy.actualPort() + "/stats\", \"format\": \"json\", \"values\": ["
                + "{\"pointer\": \"/pool/active\", \"name\": \"active_connections\"}, {\"pointer\": \"/pool/healthy\", \"name\": \"healthy\"},"
                + "{\"pointer\": \"/pool/missing\", \"name\": \"missing\"}, {\"pointer\": \"/pool/huge\", \"name\": \"huge\"}]},"
                + "{\"name\": \"gone\", \"url\": \"http://127.0.0.1:" + closed + "/metrics\", \"timeout\": \"500ms\"}]}");
        sidecar = SidecarHost.start(HttpHarness.host(), EngineFamily.none(),
                List.of(new AdapterModule(AdapterConfig.load(file), Map.<String, String>of()::get)), Ticker.system());
        http = new HttpHarness(sidecar.port());
        String metrics = metrics();
        assertThat(metrics)
                .contains("legacy_http_requests_total{app=\"legacy\",exported_app=\"inner\",method=\"GET\"} 1027.0")
                .contains("# HELP legacy_http_requests_total Requests served.")
                .contains("legacy_queue_depth{app=\"legacy\"} 7.0")
                .contains("legacy_latency_seconds_bucket{app=\"legacy\",le=\"0.1\"} 2")
                .contains("legacy_latency_seconds_bucket{app=\"legacy\",le=\"1.0\"} 5")
                .contains("legacy_latency_seconds_bucket{app=\"legacy\",le=\"+Inf\"} 6")
                .contains("legacy_latency_seconds_count{app=\"legacy\"} 6")
                .contains("legacy_latency_seconds_sum{app=\"legacy\"} 2.5")
                .contains("legacy_rpc_seconds{app=\"legacy\",quantile=\"0.99\"} 0.25")
                .contains("legacy_rpc_seconds_count{app=\"legacy\"} 40")
                .doesNotContain("go_goroutines")
                .contains("legacy_requests_total{app=\"legacy\"} 5.0") // beside a gauge requests_created, left out, not a clash
                .doesNotContain("legacy_requests_created").doesNotContain("legacy_build")
                .contains("pool_active_connections 3.0").contains("pool_healthy 1.0").doesNotContain("pool_missing")
                .contains("pool_huge +Inf") // beyond a double's range: +Inf, and the rest of the scrape kept
                .contains("patternkit_adapter_scrape_dropped_total{scrape=\"pool\"}");
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics())
                .contains("patternkit_adapter_scrape_up{scrape=\"legacy\"} 1.0").contains("patternkit_adapter_scrape_up{scrape=\"gone\"} 0.0"));
        legacy.close().await();
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics())
                .contains("patternkit_adapter_scrape_up{scrape=\"legacy\"} 0.0").doesNotContain("legacy_queue_depth"));
    }

    @Test
    void aScrapedFamilyWhoseNameIsServedAlreadyIsLeftOutAndMetricsStillAnswers() throws Exception {
        HttpServer app = vertx.createHttpServer().requestHandler(r -> r.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4")
                .end(r.path().equals("/a") ? "# TYPE queue_depth gauge\nqueue_depth 7\n# TYPE b_x gauge\nb_x 1\n# TYPE kept gauge\nkept 2\n"
                        + "# TYPE lat_seconds_max gauge\nlat_seconds_max 9\n"
                        : "# TYPE x gauge\nx 3\n")).listen(0, "127.0.0.1").await();
        int udp = freeUdpPort();
        Path file = Files.writeString(dir.resolve("adapter.json"), "{\"statsd\": {\"port\": " + udp + "}, \"scrapes\": ["
                + "{\"name\": \"a\", \"url\": \"http://127.0.0.1:" + app.actualPort() + "/a\"},"
                + "{\"name\": \"a-b\", \"url\": \"http://127.0.0.1:" + app.actualPort() + "/ab\"}]}");
        sidecar = SidecarHost.start(HttpHarness.host(), EngineFamily.none(),
                List.of(new AdapterModule(AdapterConfig.load(file), Map.<String, String>of()::get)), Ticker.system());
        http = new HttpHarness(sidecar.port());
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket()) {
            // the app names a statsd gauge as scrape a's, and a timer whose _max gauge is named as another of a's
            byte[] lines = "a.queue_depth:1|g\na.lat:5|ms".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            socket.send(new java.net.DatagramPacket(lines, lines.length, java.net.InetAddress.getLoopbackAddress(), udp));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> metrics().contains("a_queue_depth 1.0")
                && metrics().contains("a_lat_seconds_count 1"));
        String metrics = metrics(); // each scrape leaves the clashing families out again, and counts them
        assertThat(metrics).doesNotContain("a_queue_depth 7.0") // the statsd gauge, once
                .contains("a_b_x 1.0").doesNotContain("a_b_x 3.0") // scrape a's, then a-b's of the same name left out
                .contains("a_kept 2.0").contains("a_lat_seconds_max 0.005").doesNotContain("a_lat_seconds_max 9.0")
                .containsPattern("patternkit_adapter_scrape_dropped_total\\{scrape=\"a\"} [1-9]")
                .containsPattern("patternkit_adapter_scrape_dropped_total\\{scrape=\"a-b\"} [1-9]");
    }

    @Test
    void aJvmThatOnlySpeaksJmxIsScrapedThroughTheJmxExportersCollector() throws Exception {
        System.setProperty("java.rmi.server.hostname", "127.0.0.1"); // the RMI stubs must name loopback, not the host's name
        int port = freePort();
        java.rmi.registry.Registry rmi = java.rmi.registry.LocateRegistry.createRegistry(port);
        String url = "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi";
        javax.management.remote.JMXConnectorServer jmx = javax.management.remote.JMXConnectorServerFactory.newJMXConnectorServer(
                new javax.management.remote.JMXServiceURL(url), null, java.lang.management.ManagementFactory.getPlatformMBeanServer());
        jmx.start();
        try {
            Path file = Files.writeString(dir.resolve("adapter.json"), "{\"jmx\": {\"config\": {\"jmxUrl\": \"" + url + "\","
                    + " \"includeObjectNames\": [\"java.lang:type=Threading\"],"
                    + " \"rules\": [{\"pattern\": \"java.lang<type=Threading><>ThreadCount\", \"name\": \"app_threads\", \"type\": \"GAUGE\"}]}}}");
            sidecar = SidecarHost.start(HttpHarness.host(), EngineFamily.none(),
                    List.of(new AdapterModule(AdapterConfig.load(file), Map.<String, String>of()::get)), Ticker.system());
            http = new HttpHarness(sidecar.port());
            Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(metrics()).containsPattern("(?m)^app_threads [1-9][0-9]*\\.0$"));
        } finally {
            jmx.stop();
            java.rmi.server.UnicastRemoteObject.unexportObject(rmi, true);
        }
    }

    private String metrics() {
        return http.send(http.request("GET", "/metrics", null, null, true).build()).body();
    }

    private static int freeUdpPort() throws java.net.SocketException {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

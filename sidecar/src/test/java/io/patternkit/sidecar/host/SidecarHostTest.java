package io.patternkit.sidecar.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.patternkit.server.security.Strangers;
import io.patternkit.sidecar.common.EngineException;
import io.patternkit.sidecar.common.Ticker;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The host with patterns of the test's making: one readiness across every pattern, the drain order, start-up failures. */
class SidecarHostTest {
    private static final HostSettings HOST = new HostSettings("127.0.0.1", 0, Optional.empty(), 4096, Duration.ofSeconds(2));

    /** A pattern whose engine answers while {@code up} holds, and which records what the host calls. */
    private static final class Probe implements PatternModule, RunningPattern {
        final String name;
        final AtomicBoolean up = new AtomicBoolean(true);
        final List<String> calls;

        Probe(String name, List<String> calls) {
            this.name = name;
            this.calls = calls;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public RunningPattern start(HostContext context) {
            calls.add(name + ".start");
            return this;
        }

        @Override
        public void mount(Router router, Responses responses, Handler<RoutingContext> auth) {
            router.get("/v1/" + name).handler(ctx -> responses.json(ctx, 200, responses.object().put("pattern", name)));
            router.get("/v1/" + name + "/engine").handler(ctx -> responses.answer(ctx, "/v1/" + name + "/engine",
                    () -> up.get() ? Future.succeededFuture(responses.object()) : Future.failedFuture(new EngineException("down", null))));
            router.post("/v1/" + name).handler(ctx -> {
                calls.add(name + ".post");
                responses.json(ctx, 200, responses.object().put("pattern", name));
            });
        }

        @Override
        public Future<Void> ping() {
            return up.get() ? Future.succeededFuture() : Future.failedFuture("down");
        }

        @Override
        public void drainWork(Duration budget) {
            calls.add(name + ".drainWork");
        }

        @Override
        public Future<Void> drain() {
            calls.add(name + ".drain");
            return Future.succeededFuture();
        }

        @Override
        public void close() {
            calls.add(name + ".close");
        }
    }

    private static int status(SidecarHost host, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + host.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void servesEveryPatternOnOnePortAndIsReadyOnlyWhileEveryEngineAnswers() throws Exception {
        List<String> calls = new ArrayList<>();
        Probe a = new Probe("a", calls);
        Probe b = new Probe("b", calls);
        try (SidecarHost host = SidecarHost.start(HOST, EngineFamily.none(), List.of(a, b), Ticker.system())) {
            assertThat(status(host, "/v1/a")).isEqualTo(200);
            assertThat(status(host, "/v1/b")).isEqualTo(200);
            assertThat(status(host, "/healthz/ready")).isEqualTo(200);
            b.up.set(false);
            assertThat(status(host, "/healthz/ready")).isEqualTo(503);
            assertThat(status(host, "/healthz/live")).isEqualTo(200);
        }
    }

    @Test
    void anEngineThatStaysDownIsOneWarningPerIntervalNotOnePerRetriedRequest() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger responses = (Logger) LoggerFactory.getLogger(Responses.class);
        responses.addAppender(log);
        Probe probe = new Probe("a", new ArrayList<>());
        probe.up.set(false);
        try (SidecarHost host = SidecarHost.start(HOST, EngineFamily.none(), List.of(probe), Ticker.system())) {
            for (int i = 0; i < 5; i++) {
                assertThat(status(host, "/v1/a/engine")).isEqualTo(503);
            }
        } finally {
            responses.detachAppender(log);
        }
        assertThat(log.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
                .extracting(ILoggingEvent::getFormattedMessage).asString().startsWith("engine unavailable: down");
    }

    @Test
    void methodsOutsideTheStandardOnesShareOneMetricsTagSoAStrangerCannotMultiplyTheSeries() throws Exception {
        try (SidecarHost host = SidecarHost.start(HOST, EngineFamily.none(), List.of(new Probe("a", new ArrayList<>())),
                Ticker.system())) {
            for (String method : List.of("AAAA1", "AAAA2", "BREW")) {
                try (Socket socket = new Socket("127.0.0.1", host.port())) {
                    socket.setSoTimeout(10_000);
                    socket.getOutputStream().write((method + " /v1/a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).startsWith("HTTP/1.1 4");
                }
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + host.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).contains("method=\"_OTHER\"")
                    .doesNotContain("AAAA1").doesNotContain("AAAA2").doesNotContain("BREW"));
        }
    }

    @Test
    void requestsThatAreNotHttpGetAProblemDocumentCountedInMetricsAndTheConnectionClosed() throws Exception {
        try (SidecarHost host = SidecarHost.start(HOST, EngineFamily.none(), List.of(new Probe("a", new ArrayList<>())),
                Ticker.system())) {
            String longLine = "GET /v1/" + "q".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n";
            String bigHeaders = "GET /v1/a HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(10_000) + "\r\n\r\n";
            String controlCharacter = "GET /v1/a HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n";
            assertRefused(host, longLine, 414, "uri-too-long");
            assertRefused(host, bigHeaders, 431, "headers-too-large");
            assertRefused(host, controlCharacter, 400, "invalid-request");

            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + host.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String status : List.of("414", "431", "400")) {
                assertThat(metrics).contains("route=\"invalid\",status=\"" + status + "\"");
            }
        }
    }

    @Test
    void aWrongMethodIsA405ThatNamesTheAllowedOnes() throws Exception {
        try (SidecarHost host = SidecarHost.start(HOST, EngineFamily.none(), List.of(new Probe("a", new ArrayList<>())),
                Ticker.system())) {
            HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + host.port() + "/v1/a")).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(reply.statusCode()).isEqualTo(405);
            assertThat(reply.headers().firstValue("Allow")).contains("GET, POST");
            assertThat(reply.body()).contains("urn:patternkit:problem:method-not-allowed");
        }
    }

    @Test
    void routeTemplatesMatchSegmentBySegment() {
        assertThat(SidecarServer.matches("/v1/queues/:queue/claim", "/v1/queues/jobs/claim")).isTrue();
        assertThat(SidecarServer.matches("/v1/queues/:queue/claim", "/v1/queues//claim")).isFalse();
        assertThat(SidecarServer.matches("/v1/queues/:queue/claim", "/v1/queues/jobs/ack")).isFalse();
        assertThat(SidecarServer.matches("/v1/queues/:queue/claim", "/v1/queues/jobs/claim/x")).isFalse();
    }

    /** Sends raw bytes, reads the whole answer until the server closes, and checks its status and problem type. */
    private static void assertRefused(SidecarHost host, String request, int status, String type) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", host.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            // HTTP/1.0 or 1.1: Vert.x answers a request line it could not read as HTTP/1.0.
            assertThat(answer).matches("(?s)HTTP/1\\.[01] " + status + " .*")
                    .containsIgnoringCase("content-type: application/problem+json")
                    .contains("\"type\":\"urn:patternkit:problem:" + type + "\"");
        }
    }

    /** Reads until the server closes the connection; fails if it is still open after {@code within}. */
    private static void assertClosedBy(Socket socket, Duration within) throws Exception {
        socket.setSoTimeout((int) within.toMillis());
        InputStream in = socket.getInputStream();
        long start = System.nanoTime();
        try {
            while (in.read() != -1) {
                // an answer, if any, before the close
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection was still open after " + within, e);
        } catch (SocketException reset) {
            // closed by a reset: closed all the same
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(within);
    }

    /** Sends one GET on a kept-alive raw connection and reads its status line and headers (no body expected). */
    private static String statusLine(Socket socket, String path) throws Exception {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.setSoTimeout(10_000);
        byte[] head = socket.getInputStream().readNBytes(12);
        return new String(head, StandardCharsets.US_ASCII);
    }

    private static HostSettings appDrain(Duration appDrainTimeout) {
        return new HostSettings("127.0.0.1", 0, Optional.empty(), 4096, Duration.ofSeconds(2),
                Duration.ofSeconds(30), 16, appDrainTimeout);
    }

    @Test
    void onSigtermTheSidecarServesItsAppUntilTheAppClosesItsConnections() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        CountDownLatch drained = new CountDownLatch(1);
        try (SidecarHost host = SidecarHost.start(appDrain(Duration.ofSeconds(20)), EngineFamily.none(),
                List.of(new Probe("a", calls)), Ticker.system())) {
            Socket app = new Socket("127.0.0.1", host.port());
            assertThat(statusLine(app, "/v1/a")).isEqualTo("HTTP/1.1 200");
            Thread sigterm = new Thread(() -> {
                host.drainAfterApp();
                drained.countDown();
            });
            sigterm.start();

            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> drained.getCount() == 1);
            try (Socket late = new Socket("127.0.0.1", host.port())) {
                assertThat(statusLine(late, "/v1/a")).as("still serving its app").isEqualTo("HTTP/1.1 200");
            }
            assertThat(calls).doesNotContain("a.drainWork", "a.drain");

            app.close();
            assertThat(drained.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(calls).contains("a.drainWork", "a.drain");
        }
    }

    @Test
    void anAppThatNeverLetsGoIsWaitedForOnlyUntilTheAppDrainTimeout() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        try (SidecarHost host = SidecarHost.start(appDrain(Duration.ofMillis(400)), EngineFamily.none(),
                List.of(new Probe("a", calls)), Ticker.system());
                Socket app = new Socket("127.0.0.1", host.port())) {
            assertThat(statusLine(app, "/v1/a")).isEqualTo("HTTP/1.1 200");
            long start = System.nanoTime();
            host.drainAfterApp();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(400), Duration.ofSeconds(8));
            assertThat(calls).contains("a.drain");
        }
    }

    /** A host with one probe pattern and an idle timeout of half a second. */
    private static SidecarHost quicklyIdle() {
        HostSettings settings = new HostSettings("127.0.0.1", 0, Optional.empty(), 4096, Duration.ofSeconds(2),
                Duration.ofMillis(500), 16, Duration.ZERO);
        return SidecarHost.start(settings, EngineFamily.none(), List.of(new Probe("a", new ArrayList<>())), Ticker.system());
    }

    @Test
    void aRequestBodyThatStopsArrivingLosesItsConnection() throws Exception {
        try (SidecarHost host = quicklyIdle();
                Socket socket = new Socket("127.0.0.1", host.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/a HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                    + "{\"ten\":123").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertClosedBy(socket, Duration.ofSeconds(10));
        }
    }

    @Test
    void aRequestBodyTrickledAByteAtATimeIsAnswered408AndLosesItsConnection() throws Exception {
        try (SidecarHost host = quicklyIdle();
                Socket socket = new Socket("127.0.0.1", host.port())) {
            String body = "{\"slow\":\"" + "z".repeat(390) + "\"}";
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/a HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Strangers.slowloris(out, body, Duration.ofMillis(25));
            // Each byte of a body restarts the idle timeout (half a second here); the body's deadline does not move.
            socket.setSoTimeout(5_000); // the trickle alone would take 10 s
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).matches("(?s)HTTP/1\\.1 408 .*").containsIgnoringCase("connection: close")
                    .contains("\"type\":\"urn:patternkit:problem:request-timeout\"");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + host.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).contains("route=\"request-timeout\",status=\"408\""));
        }
    }

    @Test
    void aBodyThatCompletesAfterTheDeadlinesAnswerIsNotActedOn() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        HostSettings settings = new HostSettings("127.0.0.1", 0, Optional.empty(), 4096, Duration.ofSeconds(2),
                Duration.ofMillis(500), 16, Duration.ZERO);
        try (SidecarHost host = SidecarHost.start(settings, EngineFamily.none(), List.of(new Probe("a", calls)), Ticker.system());
                Socket socket = new Socket("127.0.0.1", host.port())) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            int length = 400;
            out.write(("POST /v1/a HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            // A trickle (each byte restarts the idle timeout) until the deadline's answer begins to arrive.
            int sent = Strangers.trickleUntilAnswered(socket, (byte) 'z', length - 1, Duration.ofMillis(25));
            socket.setSoTimeout(5_000);
            // The 408 ends with the server's FIN; the connection stays open for the lingering close's second.
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).startsWith("HTTP/1.1 408 ");
            out.write("z".repeat(length - sent).getBytes(StandardCharsets.US_ASCII)); // the rest, read during that second
            out.flush();
            await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(3)).until(() -> !calls.contains("a.post"));
        }
    }

    @Test
    void aBodyTrickledAfterAnEarlyAnswerLosesItsConnectionAtTheDeadline() throws Exception {
        try (SidecarHost host = quicklyIdle();
                Socket socket = new Socket("127.0.0.1", host.port())) {
            OutputStream out = socket.getOutputStream();
            // No route: answered 404 before the body is read, and Vert.x then reads the rest to keep the connection.
            out.write("POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Strangers.slowloris(out, "z".repeat(400), Duration.ofMillis(25));
            socket.setSoTimeout(5_000);
            assertThat(new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 404");
            assertClosedBy(socket, Duration.ofSeconds(5)); // the trickle alone would take 10 s
        }
    }

    @Test
    void headersSentAByteAtATimeLoseTheirConnectionAtTheIdleTimeout() throws Exception {
        try (SidecarHost host = quicklyIdle();
                Socket socket = new Socket("127.0.0.1", host.port())) {
            Strangers.slowloris(socket.getOutputStream(), "GET /healthz/live HTTP/1.1\r\nHost: x\r\nX-Slow: " + "z".repeat(400),
                    Duration.ofMillis(20));
            // Only a decoded HTTP message restarts the idle timeout, not bytes of headers still incomplete.
            assertClosedBy(socket, Duration.ofSeconds(5)); // the trickle alone would take 8 s
        }
    }

    @Test
    void connectionsBeyondTheCapAreClosedAtOnceAndCounted() throws Exception {
        HostSettings settings = new HostSettings("127.0.0.1", 0, Optional.empty(), 4096, Duration.ofSeconds(2),
                Duration.ofSeconds(30), 2, Duration.ZERO);
        try (SidecarHost host = SidecarHost.start(settings, EngineFamily.none(), List.of(new Probe("a", new ArrayList<>())),
                Ticker.system())) {
            try (Socket first = new Socket("127.0.0.1", host.port());
                    Socket second = new Socket("127.0.0.1", host.port());
                    Socket third = new Socket("127.0.0.1", host.port())) {
                // The third is closed as it opens (HTTP/1.1 alone: Vert.x hands a connection over when it opens), unanswered.
                for (Socket socket : List.of(first, second)) {
                    assertThat(statusLine(socket, "/healthz/live")).isEqualTo("HTTP/1.1 200");
                }
                third.getOutputStream().write("GET /v1/a HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                third.setSoTimeout(10_000);
                assertThat(third.getInputStream().read()).as("no answer on the connection past the cap").isEqualTo(-1);
            }
            // Once the host has seen the closes, the scrape's own connection is the one open. A scrape that comes before
            // the closes are seen is refused too, and counted: at least the third connection is.
            await().atMost(Duration.ofSeconds(10)).ignoreExceptionsInstanceOf(SocketException.class).untilAsserted(() -> {
                String metrics = scrape(host);
                assertThat(metrics).contains("patternkit_sidecar_connections_open 1.0");
                Matcher refused = Pattern.compile("(?m)^patternkit_sidecar_connections_refused_total (\\S+)$").matcher(metrics);
                assertThat(refused.find()).isTrue();
                assertThat(Double.parseDouble(refused.group(1))).isGreaterThanOrEqualTo(1.0);
            });
        }
    }

    /** The metrics, over a connection of its own that the answer closes, so that a cap of two leaves room for it. */
    private static String scrape(SidecarHost host) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", host.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aClosedConnectionFreesItsPlaceUnderTheCap() throws Exception {
        HostSettings settings = new HostSettings("127.0.0.1", 0, Optional.empty(), 4096, Duration.ofSeconds(2),
                Duration.ofSeconds(30), 2, Duration.ZERO);
        try (SidecarHost host = SidecarHost.start(settings, EngineFamily.none(), List.of(new Probe("a", new ArrayList<>())),
                Ticker.system())) {
            // An app that connects per request, as curl does, from loopback: ten times the cap, one at a time.
            // Each is closed before the next opens; the host sees the close asynchronously, so wait for it.
            for (int i = 0; i < 20; i++) {
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    try (Socket socket = new Socket("127.0.0.1", host.port())) {
                        return statusLine(socket, "/healthz/live").equals("HTTP/1.1 200");
                    } catch (SocketException | SocketTimeoutException refusedPastTheCap) {
                        return false;
                    }
                });
            }
        }
    }

    @Test
    void drainsEachPatternsOwnWorkThenItsHoldingsThenClosesIt() {
        List<String> calls = new ArrayList<>();
        SidecarHost host = SidecarHost.start(HOST, EngineFamily.none(), List.of(new Probe("a", calls), new Probe("b", calls)),
                Ticker.system());
        host.drainAndClose();
        assertThat(calls).containsExactly("a.start", "b.start", "a.drainWork", "b.drainWork", "a.drain", "b.drain",
                "a.close", "b.close");
    }

    @Test
    void anEngineThatDoesNotServeAPatternIsAClearErrorAndClosesWhatStarted() {
        List<String> calls = new ArrayList<>();
        PatternModule needsEngine = new PatternModule() {
            @Override
            public String name() {
                return "needy";
            }

            @Override
            public RunningPattern start(HostContext context) {
                return context.engine(RunningPattern.class, "needy");
            }
        };
        assertThatThrownBy(() -> SidecarHost.start(HOST, EngineFamily.none(), List.of(new Probe("a", calls), needsEngine),
                Ticker.system())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--engine none does not serve the needy pattern");
        assertThat(calls).containsExactly("a.start", "a.close");
        assertThatThrownBy(() -> SidecarHost.start(HOST, EngineFamily.none(), List.of(), Ticker.system()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one pattern");
    }
}

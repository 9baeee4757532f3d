package io.patternkit.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import io.patternkit.server.security.Strangers;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-app server over real HTTP: routing, token, size cap, problem documents, close as cancellation. */
class ManagementServerTest {
    private static final MediaType JSON = MediaType.get("application/json");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final OkHttpClient http = new OkHttpClient();
    private ManagementServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private ManagementServer start(ManagementServer.Builder b) {
        server = b.build().start();
        return server;
    }

    private Response call(String method, String path, String body, String token) throws IOException {
        Request.Builder r = new Request.Builder().url(server.baseUrl() + path)
                .method(method, body == null ? null : RequestBody.create(body, JSON));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return http.newCall(r.build()).execute();
    }

    private static JsonNode problem(Response r, ProblemType type) throws IOException {
        assertThat(r.code()).isEqualTo(type.status());
        assertThat(r.header("Content-Type")).isEqualTo(Wire.PROBLEM_JSON);
        JsonNode doc = MAPPER.readTree(r.body().string());
        assertThat(doc.get("type").asText()).isEqualTo(type.uri());
        assertThat(doc.get("status").asInt()).isEqualTo(type.status());
        return doc;
    }

    @Test
    void servesMountedPathsOnAnEphemeralLoopbackPortAndUnmounts() throws IOException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        start(ManagementServer.builder().meterRegistry(registry));
        ManagementServer.Mount mount = server.mount("/echo", req -> ManagementResponse.json(200,
                "{\"method\":\"" + req.method() + "\",\"bytes\":" + req.body().length + ",\"x\":\""
                        + req.header("X-Test").orElse("") + "\"}"));
        assertThat(server.port()).isPositive();
        assertThat(server.host()).isEqualTo("127.0.0.1");
        assertThat(server.baseUrl().toString()).isEqualTo("http://127.0.0.1:" + server.port());
        try (Response r = http.newCall(new Request.Builder().url(server.baseUrl() + "/echo").header("X-Test", "y")
                .post(RequestBody.create("{\"a\":1}", JSON)).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).isEqualTo("{\"method\":\"POST\",\"bytes\":7,\"x\":\"y\"}");
        }
        try (Response r = call("GET", "/nope", null, null)) {
            problem(r, ProblemType.ROUTE_NOT_FOUND);
        }
        mount.close();
        try (Response r = call("GET", "/echo", null, null)) {
            problem(r, ProblemType.ROUTE_NOT_FOUND);
        }
        assertThat(registry.get(ManagementServer.REQUESTS).tag("route", "/echo").tag("status", "200").timer().count())
                .isEqualTo(1);
        assertThatThrownBy(() -> server.mount("relative", req -> ManagementResponse.noContent()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPathCanBeMountedOnce() {
        start(ManagementServer.builder());
        server.mount("/a", req -> ManagementResponse.noContent());
        assertThatThrownBy(() -> server.mount("/a", req -> ManagementResponse.noContent()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("/a");
    }

    @Test
    void requiresTheBearerTokenWhenOneIsSet() throws IOException {
        start(ManagementServer.builder().apiToken("s3cret"));
        server.mount("/x", req -> ManagementResponse.jsonOf(200, Map.of("ok", true)));
        try (Response r = call("GET", "/x", null, null)) {
            JsonNode doc = problem(r, ProblemType.UNAUTHORIZED);
            assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
            assertThat(doc.toString()).doesNotContain("s3cret");
        }
        try (Response r = call("GET", "/x", null, "s3cre")) {
            problem(r, ProblemType.UNAUTHORIZED);
        }
        try (Response r = call("GET", "/unknown", null, "wrong")) {
            problem(r, ProblemType.UNAUTHORIZED);
        }
        try (Response r = call("GET", "/x", null, "s3cret")) {
            assertThat(r.code()).isEqualTo(200);
        }
        assertThat(server.requiresToken()).isTrue();
        assertThat(server.toString()).doesNotContain("s3cret");
    }

    @Test
    void takesTheTokenAndAddressFromTheEnvironment(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("token"), "from-file\n");
        Map<String, String> env = Map.of(Wire.ENV_API_TOKEN_FILE, file.toString(), ManagementServer.ENV_PORT, "0",
                ManagementServer.ENV_HOST, "127.0.0.1");
        start(ManagementServer.builder().fromEnvironment().environment(env::get));
        server.mount("/x", req -> ManagementResponse.noContent());
        try (Response r = call("GET", "/x", null, "from-file")) {
            assertThat(r.code()).isEqualTo(204);
        }
        assertThatThrownBy(() -> ManagementServer.builder().fromEnvironment()
                .environment(Map.of(ManagementServer.ENV_PORT, "http")::get).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(ManagementServer.ENV_PORT);
    }

    @Test
    void wildcardBindsAdvertiseAReachableHost() {
        start(ManagementServer.builder().host("0.0.0.0").advertisedHost("10.1.2.3").insecurePlaintext());
        assertThat(server.baseUrl().toString()).isEqualTo("http://10.1.2.3:" + server.port());
    }

    @Test
    void capsTheBodyWith413() throws IOException {
        start(ManagementServer.builder().maxBodySize(16));
        CountDownLatch called = new CountDownLatch(1);
        server.mount("/x", req -> {
            called.countDown();
            return ManagementResponse.noContent();
        });
        try (Response r = call("POST", "/x", "{\"a\":\"0123456789abcdef\"}", null)) {
            problem(r, ProblemType.PAYLOAD_TOO_LARGE);
        }
        // Without Content-Length (chunked), the cap applies while reading.
        RequestBody chunked = new RequestBody() {
            @Override
            public MediaType contentType() {
                return JSON;
            }

            @Override
            public long contentLength() {
                return -1;
            }

            @Override
            public void writeTo(okio.BufferedSink sink) throws IOException {
                sink.writeUtf8("{\"a\":\"0123456789abcdef0123456789\"}");
            }
        };
        try (Response r = http.newCall(new Request.Builder().url(server.baseUrl() + "/x").post(chunked).build())
                .execute()) {
            problem(r, ProblemType.PAYLOAD_TOO_LARGE);
        }
        try (Response r = call("POST", "/x", "{}", null)) {
            assertThat(r.code()).isEqualTo(204);
        }
        assertThat(called.getCount()).isZero();
    }

    @Test
    void refusesNonJsonBodiesWith415() throws IOException {
        start(ManagementServer.builder());
        server.mount("/x", req -> ManagementResponse.noContent());
        try (Response r = http.newCall(new Request.Builder().url(server.baseUrl() + "/x")
                .post(RequestBody.create("a=b", MediaType.get("application/x-www-form-urlencoded"))).build()).execute()) {
            problem(r, ProblemType.UNSUPPORTED_MEDIA_TYPE);
        }
    }

    @Test
    void aBodyThatIsNotWellFormedUtf8IsA400BeforeTheEndpoint() throws IOException {
        start(ManagementServer.builder());
        CountDownLatch called = new CountDownLatch(1);
        server.mount("/x", req -> {
            called.countDown();
            return ManagementResponse.noContent();
        });
        // An overlong '/', an encoded surrogate, a code point above U+10FFFF.
        for (byte[] bad : List.of(new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80})) {
            byte[] body = ("{\"a\":\"" + new String(bad, StandardCharsets.ISO_8859_1) + "\"}").getBytes(StandardCharsets.ISO_8859_1);
            try (Response r = http.newCall(new Request.Builder().url(server.baseUrl() + "/x")
                    .post(RequestBody.create(body, JSON)).build()).execute()) {
                assertThat(problem(r, ProblemType.INVALID_REQUEST).get("detail").asText()).contains("UTF-8");
            }
        }
        assertThat(called.getCount()).isOne();
    }

    @Test
    void aRequestLineOrHeadersTooLongGetA414Or431ProblemAndMalformedHttpA400() throws IOException {
        start(ManagementServer.builder());
        assertThat(raw("GET /" + "x".repeat(10_000) + " HTTP/1.1\r\nHost: a\r\n\r\n")).startsWith("HTTP/1.1 414")
                .contains(Wire.PROBLEM_JSON, ProblemType.URI_TOO_LONG.uri());
        assertThat(raw("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "y".repeat(10_000) + "\r\n\r\n"))
                .matches("(?s)HTTP/1\\.[01] 431.*").contains(ProblemType.HEADERS_TOO_LARGE.uri());
        assertThat(raw("GET / HTTP/1.1\r\nHost: a\r\nX-Bad: a\u0001b\r\n\r\n")).matches("(?s)HTTP/1\\.[01] 400.*")
                .contains(ProblemType.INVALID_REQUEST.uri());
    }

    @Test
    void aClientThatStopsMidBodyIsAnswered408AndLosesItsConnectionAfterTheReadTimeout() throws IOException {
        start(ManagementServer.builder().readTimeout(Duration.ofMillis(300)));
        server.mount("/x", req -> ManagementResponse.noContent());
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /x HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"a\":").getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            // The answer, then the server's close: the read ends instead of timing out after 10 s.
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .matches("(?s)HTTP/1\\.1 408 .*").contains(ProblemType.REQUEST_TIMEOUT.uri());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aBodyThatCompletesAfterThe408NeverReachesItsEndpoint() throws Exception {
        start(ManagementServer.builder().readTimeout(Duration.ofMillis(300)));
        List<String> calls = new CopyOnWriteArrayList<>();
        server.mount("/x", req -> {
            calls.add("x");
            return ManagementResponse.noContent();
        });
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("POST /x HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 408");
            out.write("1}".getBytes(StandardCharsets.US_ASCII)); // the body's end, during the lingering close
            out.flush();
            await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(3)).until(calls::isEmpty);
        }
    }

    @Test
    void aClientThatSendsItsHeadersAByteAtATimeLosesItsConnectionAfterTheReadTimeout() throws Exception {
        start(ManagementServer.builder().readTimeout(Duration.ofMillis(300)));
        server.mount("/x", req -> ManagementResponse.noContent());
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            Strangers.slowloris(socket.getOutputStream(), "GET /x HTTP/1.1\r\nHost: a\r\nX-Slow: " + "z".repeat(400),
                    Duration.ofMillis(20));
            long start = System.nanoTime();
            // Closed although bytes keep coming: the read ends long before the 8 s the trickle would take, at the
            // end of the stream or with a reset (which Linux reports instead when trickled bytes were still unread).
            try {
                assertThat(socket.getInputStream().read()).isEqualTo(-1);
            } catch (SocketException reset) {
                assertThat(reset).hasMessageContaining("reset");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void connectionsBeyondTheCapAreClosedAndAClosedOneFreesItsPlace() throws IOException {
        start(ManagementServer.builder().maxConnections(2));
        server.mount("/x", req -> ManagementResponse.noContent());
        try (Socket a = new Socket("127.0.0.1", server.port()); Socket b = new Socket("127.0.0.1", server.port());
                Socket c = new Socket("127.0.0.1", server.port())) {
            // Vert.x hands an HTTP/1.1 connection over with its first request: the third is closed then, unanswered.
            for (Socket open : List.of(a, b)) {
                open.setSoTimeout(10_000);
                open.getOutputStream().write("GET /x HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] head = new byte[12];
                assertThat(open.getInputStream().readNBytes(head, 0, 12)).isEqualTo(12);
                assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 204");
            }
            c.setSoTimeout(10_000);
            c.getOutputStream().write("GET /x HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.getInputStream().read()).as("the third connection is closed unanswered").isEqualTo(-1);
        }
        // The server sees the three closes a moment later; then each closed connection gives its place back.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(raw("GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 204"));
        for (int i = 0; i < 10; i++) {
            assertThat(raw("GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 204");
        }
    }

    /** Sends raw bytes and reads the answer until the server closes the connection. */
    private String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void anEndpointFailureIsA500ProblemThatNamesOnlyTheExceptionClass() throws IOException {
        start(ManagementServer.builder());
        server.mount("/x", req -> {
            throw new IllegalStateException("customer 42 has secret data");
        });
        try (Response r = call("POST", "/x", "{}", null)) {
            JsonNode doc = problem(r, ProblemType.INTERNAL);
            assertThat(doc.get("detail").asText()).contains("java.lang.IllegalStateException")
                    .doesNotContain("secret");
        }
        // A handler recursing on its input: its stack has unwound, and the request is answered, not left open.
        server.mount("/deep", req -> {
            throw new StackOverflowError();
        });
        try (Response r = call("POST", "/deep", "{}", null)) {
            assertThat(problem(r, ProblemType.INTERNAL).get("detail").asText()).contains("java.lang.StackOverflowError");
        }
    }

    @Test
    void closingTheConnectionMidCallCompletesWhenClosed() throws Exception {
        start(ManagementServer.builder());
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch sawClose = new CountDownLatch(1);
        server.mount("/slow", req -> {
            req.whenClosed().thenRun(sawClose::countDown);
            entered.countDown();
            // The answer is held until the close is seen (or the test gives up).
            boolean closed = sawClose.await(10, TimeUnit.SECONDS);
            return ManagementResponse.jsonOf(200, Map.of("closed", closed));
        });
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(entered.await(5, TimeUnit.SECONDS)).as("the endpoint was called").isTrue();
        }
        assertThat(sawClose.await(5, TimeUnit.SECONDS)).as("whenClosed completed after the client closed").isTrue();
    }

    @Test
    void lifecycle() {
        ManagementServer s = ManagementServer.builder().build();
        assertThatThrownBy(s::port).isInstanceOf(IllegalStateException.class);
        s.start();
        assertThat(s.isRunning()).isTrue();
        assertThatThrownBy(s::start).isInstanceOf(IllegalStateException.class);
        try (ManagementServer busy = ManagementServer.builder().port(s.port()).build()) {
            assertThatThrownBy(busy::start).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining(Integer.toString(s.port()));
        }
        s.close();
        s.close();
        assertThat(s.isRunning()).isFalse();
        assertThatThrownBy(() -> ManagementServer.builder().port(70000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ManagementServer.builder().apiToken(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}

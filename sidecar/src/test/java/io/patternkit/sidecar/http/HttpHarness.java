package io.patternkit.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.MessageResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.schema.SchemaValidator;
import io.patternkit.protocol.Wire;
import io.patternkit.protocol.contract.ContractFuzzKit;
import io.patternkit.sidecar.TestEngines;
import io.patternkit.sidecar.checkpoint.CheckpointModule;
import io.patternkit.sidecar.common.Ticker;
import io.patternkit.sidecar.engine.sqlite.SqliteEngines;
import io.patternkit.sidecar.host.EngineFamily;
import io.patternkit.sidecar.host.HostSettings;
import io.patternkit.sidecar.host.SidecarHost;
import io.patternkit.sidecar.leader.LeaderModule;
import io.patternkit.sidecar.leader.LeaderSettings;
import io.patternkit.sidecar.leader.LeaderTiming;
import io.patternkit.sidecar.leader.LeaseEngine;
import io.patternkit.sidecar.scale.ScaleModule;
import io.patternkit.sidecar.scale.ScaleSettings;
import io.patternkit.sidecar.workqueue.QueueEngine;
import io.patternkit.sidecar.workqueue.WorkQueueModule;
import io.patternkit.sidecar.workqueue.WorkQueueSettings;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Calls an in-process sidecar over real HTTP and checks every answer against the OpenAPI contract.
 */
final class HttpHarness {
    static final String TOKEN = "test-token-123";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final OpenApiInteractionValidator VALIDATOR = OpenApiInteractionValidator
            .createForInlineApiSpecification(spec()).build();
    private static final OpenAPI API = new OpenAPIV3Parser().readContents(spec()).getOpenAPI();
    private static final SchemaValidator SCHEMAS = new SchemaValidator(API, new MessageResolver());

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final int port;

    HttpHarness(int port) {
        this.port = port;
    }

    /** The host of every in-process sidecar here: an ephemeral loopback port, the token, 64 KiB bodies, a 2 s drain. */
    static HostSettings host() {
        return new HostSettings("127.0.0.1", 0, Optional.of(TOKEN), 64 * 1024, Duration.ofSeconds(2));
    }

    /** A work-queue sidecar on the SQLite file in {@code dir}. */
    static SidecarHost workQueue(Path dir) {
        return workQueue(SqliteEngines.onMachineClock(dir));
    }

    /** A work-queue sidecar on an engine the test opened. */
    static SidecarHost workQueueOn(QueueEngine engine) {
        return workQueue(TestEngines.serving(engine));
    }

    private static SidecarHost workQueue(EngineFamily engines) {
        WorkQueueSettings settings = new WorkQueueSettings(1024, Duration.ofSeconds(1), Duration.ofMinutes(5),
                Duration.ofMinutes(5), 5, Optional.empty());
        return SidecarHost.start(host(), engines, List.of(new WorkQueueModule(settings)), Ticker.system());
    }

    /** A leader-election sidecar on the SQLite file in {@code dir}, reporting {@code election}, campaigning as {@code id} unless null. */
    static SidecarHost leader(Path dir, String election, String id) {
        return leader(SqliteEngines.onMachineClock(dir), election, id, Ticker.system());
    }

    /** A leader-election sidecar on an engine the test opened. */
    static SidecarHost leaderOn(LeaseEngine engine, String election, Ticker ticker) {
        return leader(TestEngines.serving(engine), election, null, ticker);
    }

    private static SidecarHost leader(EngineFamily engines, String election, String id, Ticker ticker) {
        LeaderSettings settings = new LeaderSettings(LeaderTiming.DEFAULT, election, Optional.ofNullable(id));
        return SidecarHost.start(host(), engines, List.of(new LeaderModule(settings)), ticker);
    }

    /** A checkpoint sidecar on the SQLite file in {@code dir}. */
    static SidecarHost checkpoints(Path dir) {
        return SidecarHost.start(host(), SqliteEngines.onMachineClock(dir), List.of(new CheckpointModule()),
                Ticker.system());
    }

    /** A sidecar serving "replicate yourself" with {@code settings} (its engine, SQLite in {@code dir}, unused). */
    static SidecarHost scale(Path dir, ScaleSettings settings) {
        return SidecarHost.start(host(), SqliteEngines.onMachineClock(dir), List.of(new ScaleModule(settings)),
                Ticker.system());
    }

    /** A response, its body parsed when JSON. */
    record Reply(int status, String contentType, String body, HttpResponse<String> raw) {
        JsonNode json() {
            return MAPPER.readTree(body);
        }
    }

    /**
     * The sidecar's {@code patternkit_sidecar_connections_open} gauge, scraped from {@code /metrics}: a test that closes
     * a connection of its own waits for it to fall before it acts on what the close should have ended.
     */
    double openConnections() {
        String metrics = sendChecked(request("GET", "/metrics", null, null, false).build()).body();
        return metrics.lines().filter(l -> l.startsWith("patternkit_sidecar_connections_open "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElseThrow();
    }

    HttpRequest.Builder request(String method, String path, String contentType, String body, boolean auth) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (auth) {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        return b;
    }

    /**
     * A GET sent over a plain socket, for request targets java.net.URI refuses to build (malformed escapes).
     *
     * @return the whole response as text, status line and headers included
     */
    static String raw(int port, String target, String headers) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a well-formed request and checks request and response against the contract. */
    Reply call(String method, String path, String jsonBody) {
        Reply reply = send(request(method, path, jsonBody == null ? null : "application/json", jsonBody, true).build());
        SimpleRequest.Builder req = new SimpleRequest.Builder(method, path.split("\\?")[0])
                .withHeader("Authorization", "Bearer " + TOKEN);
        if (path.contains("?")) {
            for (String pair : path.split("\\?")[1].split("&")) {
                String[] kv = pair.split("=", 2);
                req.withQueryParam(kv[0], kv[1]);
            }
        }
        if (jsonBody != null) {
            req.withContentType("application/json").withBody(jsonBody);
        }
        assertValid(VALIDATOR.validate(req.build(), response(reply)), method, path, reply);
        return reply;
    }

    /** Sends any request and checks only the response against the contract. */
    Reply sendChecked(HttpRequest request) {
        Reply reply = send(request);
        String path = request.uri().getPath();
        ValidationReport report = VALIDATOR.validateResponse(path, Request.Method.valueOf(request.method()), response(reply));
        assertValid(report, request.method(), path, reply);
        return reply;
    }

    Reply send(HttpRequest request) {
        try {
            return toReply(client.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    CompletableFuture<Reply> sendAsync(String method, String path, String jsonBody) {
        return client.sendAsync(request(method, path, "application/json", jsonBody, true).build(),
                HttpResponse.BodyHandlers.ofString()).thenApply(HttpHarness::toReply);
    }

    private static Reply toReply(HttpResponse<String> r) {
        return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body(), r);
    }

    private static SimpleResponse response(Reply reply) {
        return ContractFuzzKit.asContractSees(reply.raw());
    }

    private static void assertValid(ValidationReport report, String method, String path, Reply reply) {
        assertThat(report.getMessages())
                .as("contract violations of %s %s -> %s %s", method, path, reply.status(), reply.body())
                .filteredOn(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .isEmpty();
    }

    /** Validates a request someone else sent (such as a leaf call the scatter sidecar made) against the contract. */
    static void assertValidRequest(com.atlassian.oai.validator.model.Request request) {
        assertThat(VALIDATOR.validateRequest(request).getMessages())
                .as("contract violations of %s %s", request.getMethod(), request.getPath())
                .filteredOn(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .isEmpty();
    }

    /**
     * Checks a JSON document against a component schema of the contract, for what an operation's response
     * schema cannot describe (such as each line of an NDJSON stream).
     *
     * @param component the schema's name under {@code components/schemas}, such as {@code ScatterPart}
     * @param json the document
     */
    static void assertSchemaValid(String component, String json) {
        Schema<?> schema = API.getComponents().getSchemas().get(component);
        assertThat(schema).as("schema %s", component).isNotNull();
        assertThat(SCHEMAS.validate(json, schema, component).getMessages()).as("%s: %s", component, json).isEmpty();
    }

    private static String spec() {
        try (InputStream in = Wire.class.getClassLoader().getResourceAsStream(Wire.OPENAPI_RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

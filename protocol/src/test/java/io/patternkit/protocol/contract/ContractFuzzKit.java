package io.patternkit.protocol.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.parser.OpenAPIV3Parser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * Property-based testing of a server's wire from the contract (issue 14), as an abstract jqwik suite that
 * each server's tests extend, as the compatibility kits are: requests are generated from the OpenAPI document
 * for every operation the server serves ({@link #serves}), then mutated. The contract is the oracle:
 * <ul>
 *   <li>a request the contract accepts is never refused as invalid (no 400 or 415; a 413 only for a body over
 *       the server's cap), never gets a 5xx, and its answer is what the contract says for that operation;</li>
 *   <li>a request the contract refuses (checked by the same validator), and one whose bytes are broken
 *       (malformed UTF-8, a lone surrogate, not JSON, nested too deep, too large, a path too long, no or a
 *       wrong token, the wrong media type or method), gets a 4xx {@code application/problem+json} answer
 *       with a type the contract lists, and never a 5xx.</li>
 * </ul>
 * A failure prints the request, the answer and jqwik's seed. Each property names its own budget of tries.
 * Subclasses need jqwik and RgxGen on their test class path (this jar's test-scoped dependencies do not
 * travel).
 */
public abstract class ContractFuzzKit {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> PROBLEM_TYPES = Arrays.stream(ProblemType.values()).map(ProblemType::uri)
            .collect(Collectors.toSet());
    private static final String SPEC = spec();
    private static final OpenAPI API = new OpenAPIV3Parser().readContents(SPEC).getOpenAPI();
    private static final OpenApiInteractionValidator VALIDATOR = OpenApiInteractionValidator
            .createForInlineApiSpecification(SPEC).build();
    private static final ContractArbitraries VALUES = new ContractArbitraries(API);
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private List<Op> operations;

    /** @return the loopback port of the server under test */
    protected abstract int port();

    /** @return the bearer token the server requires */
    protected abstract String token();

    /** @return the server's request body cap, in bytes */
    protected abstract int bodyCap();

    /** @return the path templates the server answers without a token (probes, metrics) */
    protected abstract Set<String> openRoutes();

    /**
     * @param template a path of the contract, such as {@code /v1/queues/{queue}/items}
     * @param item its operations
     * @return whether the server under test serves it
     */
    protected abstract boolean serves(String template, PathItem item);

    /**
     * @return path parameters the server serves one value of (such as the one pool a leaf serves), by name;
     *     generated from their schema when absent
     */
    protected Map<String, String> pathParameters() {
        return Map.of();
    }

    /**
     * Lets a subclass put the values its server serves into a generated body (such as the pool and shard a
     * leaf serves, which a leaf call must name); the generated body is kept by default.
     *
     * @param template the operation's path
     * @param body the generated body
     * @return the body to send
     */
    protected JsonNode servedValues(String template, JsonNode body) {
        return body;
    }

    /**
     * @return the 5xx answers that valid requests may get in this test, by path template, when the contract
     *     documents them for that operation (a readiness probe after the server drained: 503; a leaf given a
     *     budget of a few milliseconds: 504); none by default, so any 5xx fails. The answer is still checked
     *     against the contract.
     */
    protected Map<String, Set<Integer>> documentedServerErrors() {
        return Map.of();
    }

    private boolean documented(Call call, Reply reply) {
        return documentedServerErrors().getOrDefault(call.op().template(), Set.of()).contains(reply.status());
    }

    /** An answer: status, content type, body and the raw response (for its headers). */
    protected record Reply(int status, String contentType, String body, HttpResponse<String> raw) {
    }

    /** One operation the server under test serves: its method, path template and parameters (references resolved). */
    record Op(String method, String template, List<Parameter> parameters, Schema<?> body, boolean bodyRequired) {
        @Override
        public String toString() {
            return method + " " + template;
        }
    }

    /** A request: its path with the query (encoded), the decoded query values, its body, and its headers. */
    record Call(Op op, String path, Map<String, String> headers, byte[] body, String contentType, boolean token,
            String method, String why) {
        String bodyText() {
            return body == null ? null : new String(body, StandardCharsets.UTF_8);
        }

        Call with(String method, String path, byte[] body, String contentType, boolean token, String why) {
            return new Call(op, path, headers, body, contentType, token, method, why);
        }

        @Override
        public String toString() {
            String text = bodyText();
            return method + " " + cut(path) + (why.isEmpty() ? "" : " [" + cut(why) + "]") + (body == null ? ""
                    : " " + cut(text) + " (" + body.length + " bytes)");
        }
    }

    private static String cut(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    /** @return every operation of the contract that the server under test serves */
    private List<Op> operations() {
        if (operations != null) {
            return operations;
        }
        List<Op> ops = new ArrayList<>();
        API.getPaths().forEach((template, item) -> {
            if (!serves(template, item)) {
                return;
            }
            item.readOperationsMap().forEach((method, op) -> {
                List<Parameter> parameters = new ArrayList<>();
                Stream.concat(Optional.ofNullable(item.getParameters()).orElse(List.of()).stream(),
                        Optional.ofNullable(op.getParameters()).orElse(List.of()).stream())
                        .map(ContractFuzzKit::resolve).forEach(parameters::add);
                Schema<?> body = null;
                boolean required = false;
                if (op.getRequestBody() != null && op.getRequestBody().getContent() != null
                        && op.getRequestBody().getContent().get("application/json") != null) {
                    body = op.getRequestBody().getContent().get("application/json").getSchema();
                    required = Boolean.TRUE.equals(op.getRequestBody().getRequired());
                }
                ops.add(new Op(method.name(), template, parameters, body, required));
            });
        });
        assertThat(ops).as("operations served by the server under test").isNotEmpty();
        operations = ops;
        return ops;
    }

    private static Parameter resolve(Parameter p) {
        if (p.get$ref() == null) {
            return p;
        }
        return API.getComponents().getParameters().get(p.get$ref().substring(p.get$ref().lastIndexOf('/') + 1));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Generators

    @Provide
    Arbitrary<Call> validCalls() {
        return Arbitraries.of(operations()).flatMap(this::validCall);
    }

    private Arbitrary<Call> validCall(Op op) {
        List<Arbitrary<Map.Entry<Parameter, String>>> params = new ArrayList<>();
        for (Parameter p : op.parameters()) {
            if (!Set.of("path", "query", "header").contains(p.getIn())) {
                continue;
            }
            String fixed = "path".equals(p.getIn()) ? pathParameters().get(p.getName()) : null;
            // A header's value is visible ASCII (RFC 9110, section 5.5), whatever its schema's string allows.
            boolean asciiHeader = "header".equals(p.getIn()) && "string".equals(p.getSchema().getType())
                    && p.getSchema().getPattern() == null;
            Arbitrary<Map.Entry<Parameter, String>> value = fixed != null ? Arbitraries.just(Map.entry(p, fixed))
                    : asciiHeader ? Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(40)
                            .map(v -> Map.entry(p, v)) : VALUES.of(p.getName(), p.getSchema())
                    .map(v -> Map.entry(p, v.isTextual() ? v.asText() : v.toString()));
            boolean always = Boolean.TRUE.equals(p.getRequired()) || p.getName().equals("waitMs");
            params.add(always ? value : value.injectNull(0.5));
        }
        Arbitrary<List<Map.Entry<Parameter, String>>> all = params.isEmpty() ? Arbitraries.just(List.of())
                : Combinators.combine(params).as(l -> l);
        Arbitrary<Optional<JsonNode>> body = op.body() == null ? Arbitraries.just(Optional.empty())
                : op.bodyRequired() ? VALUES.of(null, op.body()).map(Optional::of)
                : VALUES.of(null, op.body()).map(Optional::of).injectNull(0.3).map(o -> o == null ? Optional.empty() : o);
        return Combinators.combine(all, body).as((ps, b) -> call(op, proseRules(ps),
                b.map(json -> write(servedValues(op.template(), json))).orElse(null)));
    }

    /**
     * Applies the rules the contract states in prose for parameters: {@code releaseOnDisconnect=true} needs a
     * {@code candidateId} (dropped then, when the call has none).
     */
    private static List<Map.Entry<Parameter, String>> proseRules(List<Map.Entry<Parameter, String>> params) {
        boolean release = params.stream().anyMatch(p -> p != null && p.getKey().getName().equals("releaseOnDisconnect")
                && p.getValue().equals("true"));
        boolean candidate = params.stream().anyMatch(p -> p != null && p.getKey().getName().equals("candidateId"));
        if (!release || candidate) {
            return params;
        }
        return params.stream().filter(p -> p == null || !p.getKey().getName().equals("releaseOnDisconnect")).toList();
    }

    private static Call call(Op op, List<Map.Entry<Parameter, String>> params, byte[] body) {
        String path = op.template();
        Map<String, String> query = new LinkedHashMap<>();
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<Parameter, String> p : params) {
            if (p == null) {
                continue;
            }
            if ("path".equals(p.getKey().getIn())) {
                path = path.replace("{" + p.getKey().getName() + "}", encode(p.getValue()));
            } else if ("header".equals(p.getKey().getIn())) {
                headers.put(p.getKey().getName(), p.getValue());
            } else {
                query.put(p.getKey().getName(), p.getValue());
            }
        }
        String withQuery = path + (query.isEmpty() ? "" : "?" + query.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&")));
        return new Call(op, withQuery, headers, body, body == null ? null : "application/json", true, op.method(), "");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a mutation does to a valid call, and whether the result is invalid by construction. */
    enum Mutation {
        BODY_NOT_JSON(true), BODY_MALFORMED_UTF8(true), BODY_LONE_SURROGATE(true), BODY_TOO_DEEP(true),
        BODY_TOO_LARGE(true), BODY_WRONG_TYPE(false), BODY_MISSING_MEMBER(false), BODY_UNKNOWN_MEMBER(false),
        BODY_HUGE_NUMBER(false), PATH_PARAM_INVALID(true), PATH_TOO_LONG(true), QUERY_INVALID(false),
        NO_TOKEN(true), WRONG_TOKEN(true), WRONG_MEDIA_TYPE(true), WRONG_METHOD(true);

        final boolean alwaysInvalid;

        Mutation(boolean alwaysInvalid) {
            this.alwaysInvalid = alwaysInvalid;
        }
    }

    @Provide
    Arbitrary<Call> mutatedCalls() {
        return Combinators.combine(validCalls(), Arbitraries.of(Mutation.class), Arbitraries.integers().between(0, 1 << 20))
                .as(this::mutate).filter(Optional::isPresent).map(Optional::get);
    }

    /** @return the mutated call, or empty when the mutation does not apply to this call */
    private Optional<Call> mutate(Call c, Mutation m, int pick) {
        String why = m.name();
        switch (m) {
            case BODY_NOT_JSON:
                return c.body() == null ? Optional.empty() : Optional.of(c.with(c.method(), c.path(),
                        List.of("{", "nul", "{\"a\":}", "[1,]", "\"open").get(pick % 5).getBytes(StandardCharsets.UTF_8),
                        c.contentType(), true, why));
            case BODY_MALFORMED_UTF8:
                return stringAt(c, pick).map(at -> c.with(c.method(), c.path(), insert(c.body(), at, List.of(
                        new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                        new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0x80},
                        new byte[] {(byte) 0xE2, (byte) 0x82}).get(pick % 5)), c.contentType(), true, why));
            case BODY_LONE_SURROGATE:
                return stringAt(c, pick).map(at -> c.with(c.method(), c.path(), insert(c.body(), at,
                        (pick % 2 == 0 ? "\\ud800" : "\\udfff").getBytes(StandardCharsets.UTF_8)), c.contentType(), true, why));
            case BODY_TOO_DEEP:
                return c.body() == null ? Optional.empty() : Optional.of(c.with(c.method(), c.path(),
                        ("[".repeat(5_000) + "]".repeat(5_000)).getBytes(StandardCharsets.UTF_8), c.contentType(), true, why));
            case BODY_TOO_LARGE:
                return c.body() == null ? Optional.empty() : Optional.of(c.with(c.method(), c.path(),
                        ("{\"x\":\"" + "a".repeat(bodyCap()) + "\"}").getBytes(StandardCharsets.UTF_8), c.contentType(), true, why));
            case BODY_WRONG_TYPE, BODY_MISSING_MEMBER, BODY_UNKNOWN_MEMBER, BODY_HUGE_NUMBER:
                return objectBody(c).flatMap(o -> changeMember(o, m, pick))
                        .map(o -> c.with(c.method(), c.path(), o, c.contentType(), true, why));
            case PATH_PARAM_INVALID: {
                Optional<Parameter> param = c.op().parameters().stream().filter(p -> "path".equals(p.getIn())).findFirst();
                if (param.isEmpty() || param.get().getSchema().getPattern() == null) {
                    return Optional.empty();
                }
                String bad = ContractArbitraries.notMatching(param.get().getSchema().getPattern()).sample();
                String template = c.op().template();
                String path = c.path().replaceFirst("^" + java.util.regex.Pattern.quote(template.substring(0,
                        template.indexOf('{'))) + "[^/?]*", java.util.regex.Matcher.quoteReplacement(
                        template.substring(0, template.indexOf('{')) + encode(bad)));
                return Optional.of(c.with(c.method(), path, c.body(), c.contentType(), true, why + " " + bad));
            }
            case PATH_TOO_LONG:
                return c.op().template().contains("{") ? Optional.of(c.with(c.method(), c.op().template()
                        .replaceAll("\\{[^}]*}", "x".repeat(10_000)), c.body(), c.contentType(), true, why)) : Optional.empty();
            case QUERY_INVALID: {
                Optional<Parameter> param = c.op().parameters().stream().filter(p -> "query".equals(p.getIn())).findFirst();
                if (param.isEmpty()) {
                    return Optional.empty();
                }
                String bad = List.of("abc", "-1", "99999999999999999999", "1.5", "", "%25").get(pick % 6);
                String sep = c.path().contains("?") ? "&" : "?";
                return Optional.of(c.with(c.method(), c.path() + sep + param.get().getName() + "=" + bad, c.body(),
                        c.contentType(), true, why + " " + param.get().getName() + "=" + bad));
            }
            case NO_TOKEN:
            case WRONG_TOKEN:
                if (openRoutes().contains(c.op().template())) {
                    return Optional.empty();
                }
                return Optional.of(new Call(c.op(), c.path(), c.headers(), c.body(), c.contentType(), false, c.method(),
                        why));
            case WRONG_MEDIA_TYPE:
                return c.body() == null ? Optional.empty() : Optional.of(c.with(c.method(), c.path(), c.body(),
                        List.of("text/plain", "application/x-www-form-urlencoded", "application/xml").get(pick % 3), true, why));
            case WRONG_METHOD: {
                Set<String> served = operations().stream().filter(o -> o.template().equals(c.op().template()))
                        .map(Op::method).collect(Collectors.toSet());
                return Stream.of("GET", "PUT", "POST", "DELETE", "PATCH").filter(x -> !served.contains(x)).findFirst()
                        .map(x -> c.with(x, c.path(), c.body(), c.contentType(), true, why + " " + x));
            }
            default:
                throw new IllegalStateException(m.name());
        }
    }

    /** @return the offset just after the opening quote of a string value in the body, if it has one */
    private static Optional<Integer> stringAt(Call c, int pick) {
        if (c.body() == null) {
            return Optional.empty();
        }
        List<Integer> starts = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(c.body())) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.VALUE_STRING) {
                    starts.add((int) p.currentTokenLocation().getByteOffset() + 1);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return starts.isEmpty() ? Optional.empty() : Optional.of(starts.get(pick % starts.size()));
    }

    private static byte[] insert(byte[] body, int at, byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(body, 0, at);
        out.write(bytes, 0, bytes.length);
        out.write(body, at, body.length - at);
        return out.toByteArray();
    }

    private static Optional<ObjectNode> objectBody(Call c) {
        if (c.body() == null) {
            return Optional.empty();
        }
        try {
            JsonNode node = MAPPER.readTree(c.body());
            return node instanceof ObjectNode o && o.size() > 0 ? Optional.of(o) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<byte[]> changeMember(ObjectNode body, Mutation m, int pick) {
        List<String> names = new ArrayList<>();
        body.fieldNames().forEachRemaining(names::add);
        String name = names.get(pick % names.size());
        ObjectNode changed = body.deepCopy();
        switch (m) {
            case BODY_WRONG_TYPE -> {
                JsonNode v = changed.get(name);
                changed.set(name, v.isTextual() ? MAPPER.getNodeFactory().numberNode(pick)
                        : v.isNumber() ? MAPPER.getNodeFactory().textNode("x" + pick)
                        : v.isArray() ? MAPPER.getNodeFactory().objectNode() : MAPPER.getNodeFactory().arrayNode());
            }
            case BODY_MISSING_MEMBER -> changed.remove(name);
            case BODY_UNKNOWN_MEMBER -> changed.put("unknownMember" + pick % 3, 1);
            case BODY_HUGE_NUMBER -> {
                if (!changed.get(name).isNumber()) {
                    return Optional.empty();
                }
                String raw = changed.toString().replace("\"" + name + "\":" + changed.get(name).toString(),
                        "\"" + name + "\":" + List.of("1e400", "99999999999999999999", "-1", "0.5").get(pick % 4));
                return Optional.of(raw.getBytes(StandardCharsets.UTF_8));
            }
            default -> throw new IllegalStateException(m.name());
        }
        return Optional.of(write(changed));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Properties

    @Property(tries = 400, shrinking = ShrinkingMode.OFF)
    public void aValidRequestIsNeverRefusedAsInvalidAndIsAnsweredAsTheContractSays(@ForAll("validCalls") Call call) {
        assertThat(requestViolations(call)).as("the generator made an invalid request: %s",
                call).isEmpty();
        Reply reply = send(call);
        if (!documented(call, reply)) {
            assertThat(reply.status()).as("%s -> %s %s", call, reply.status(), reply.body()).isLessThan(500);
        }
        assertThat(reply.status()).as("%s -> %s %s", call, reply.status(), reply.body()).isNotIn(400, 415);
        if (reply.status() == 413) { // the contract's limits allow bodies larger than the sidecar's configured cap
            assertThat(call.body().length).as("%s -> 413", call).isGreaterThan(bodyCap());
        }
        assertAnsweredAsTheContractSays(call, reply);
    }

    @Property(tries = 600, shrinking = ShrinkingMode.OFF)
    public void anInvalidRequestGetsADocumented4xxProblemAndNeverA5xx(@ForAll("mutatedCalls") Call call) {
        Reply reply = send(call);
        if (!documented(call, reply)) {
            assertThat(reply.status()).as("%s -> %s %s", call, reply.status(), reply.body()).isLessThan(500);
        }
        boolean invalid = Mutation.valueOf(call.why().split(" ")[0]).alwaysInvalid
                || !requestViolations(call).isEmpty();
        if (invalid) {
            assertThat(reply.status()).as("%s -> %s %s", call, reply.status(), reply.body()).isBetween(400, 499);
        } else {
            assertThat(reply.status()).as("a request the contract accepts: %s -> %s %s", call, reply.status(), reply.body())
                    .isNotIn(400, 415);
        }
        if (reply.status() >= 400) {
            assertThat(reply.contentType()).as("%s -> %s", call, reply.status()).startsWith("application/problem+json");
            assertThat(json(reply.body()).path("type").asText()).as("%s -> %s", call, reply.body()).isIn(PROBLEM_TYPES);
        }
        // A mutated path may name another route or none (`.` and `..` are removed by path normalisation), and
        // a method the path does not serve has no operation: their answers are checked as problems only.
        if (!call.why().startsWith("PATH_") && !call.why().startsWith("WRONG_METHOD")) {
            assertAnsweredAsTheContractSays(call, reply);
        }
    }

    private Reply send(Call c) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + c.path()))
                .timeout(Duration.ofSeconds(30))
                .method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(c.body()));
        if (c.contentType() != null) {
            b.header("Content-Type", c.contentType());
        }
        c.headers().forEach(b::header);
        if (c.token()) {
            b.header("Authorization", "Bearer " + token());
        } else if (c.why().equals("WRONG_TOKEN")) {
            b.header("Authorization", "Bearer not-the-" + token());
        }
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body(), r);
        } catch (IOException e) {
            throw new AssertionError("no answer to " + c + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private List<String> requestViolations(Call call) {
        return errors(VALIDATOR.validateRequest(asContractSees(call)));
    }

    private SimpleRequest asContractSees(Call c) {
        SimpleRequest.Builder r = new SimpleRequest.Builder(c.method(), URI.create(c.path()).getRawPath());
        c.headers().forEach(r::withHeader);
        if (c.token()) {
            r.withHeader("Authorization", "Bearer " + token());
        }
        String rawQuery = URI.create(c.path()).getRawQuery();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                String[] kv = pair.split("=", 2);
                r.withQueryParam(decode(kv[0]), kv.length == 2 ? decode(kv[1]) : "");
            }
        }
        if (c.body() != null) {
            r.withContentType(c.contentType()).withBody(c.bodyText());
        }
        return r.build();
    }

    private static String decode(String s) {
        try {
            return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static void assertAnsweredAsTheContractSays(Call call, Reply reply) {
        assertThat(errors(VALIDATOR.validateResponse(URI.create(call.path()).getPath(),
                com.atlassian.oai.validator.model.Request.Method.valueOf(call.method()), asContractSees(reply.raw()))))
                .as("the answer to %s -> %s %s", call, reply.status(), reply.body()).isEmpty();
    }

    /**
     * @param response an answer as Java's HTTP client received it
     * @return the same answer as the contract's validator reads responses
     */
    public static SimpleResponse asContractSees(HttpResponse<String> response) {
        SimpleResponse.Builder b = new SimpleResponse.Builder(response.statusCode()).withBody(response.body());
        response.headers().firstValue("Content-Type").ifPresent(b::withContentType);
        response.headers().map().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("content-type")) {
                b.withHeader(name, values);
            }
        });
        return b.build();
    }

    private static List<String> errors(ValidationReport report) {
        return report.getMessages().stream().filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .map(m -> m.getKey() + ": " + m.getMessage()).toList();
    }

    private static JsonNode json(String body) {
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private static String spec() {
        try (InputStream in = Wire.class.getClassLoader().getResourceAsStream(Wire.OPENAPI_RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.patternkit.protocol.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.curiousoddman.rgxgen.RgxGen;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik arbitraries of JSON values that a schema of the OpenAPI contract accepts: the generator side of
 * the property-based tests of the wire (the sidecar's {@code ContractFuzzTest}, the management server's
 * {@code ManagementContractFuzzTest}). Strings follow the schema's pattern (generated with
 * RgxGen, then checked with the whole pattern, since RgxGen does not do lookaheads), lengths and enums;
 * numbers their bounds; objects carry every required member and some optional ones; {@code $ref}s and
 * {@code oneOf}s are followed. Text includes characters outside ASCII and the BMP, which the contract allows
 * and the server must store as sent.
 *
 * <p>Rules the contract can state only in prose are applied after generation ({@code proseRules}).
 *
 * <p>Two kinds of value are bounded below what the contract allows, because the test cannot afford them:
 * long-poll waits ({@code waitMs} at most 30 ms instead of 20 s) and URLs the sidecar would call
 * ({@code LeafUrl}: a loopback port that refuses at once).
 */
public final class ContractArbitraries {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String REFUSED_URL = "http://127.0.0.1:1/patternkit/leaf/fuzz";
    private static final int MAX_ITEMS = 4;
    private static final int MAX_FREE_TEXT = 24;

    private final OpenAPI api;

    /** @param api the parsed contract */
    public ContractArbitraries(OpenAPI api) {
        this.api = api;
    }

    /**
     * @param name a member's or parameter's name, or null
     * @param schema its schema
     * @return values the schema accepts
     */
    public Arbitrary<JsonNode> of(String name, Schema<?> schema) {
        return of(name, schema, 0);
    }

    private Arbitrary<JsonNode> of(String name, Schema<?> schema, int depth) {
        if (schema == null) {
            return anyJson(depth);
        }
        if (schema.get$ref() != null) {
            String ref = schema.get$ref().substring(schema.get$ref().lastIndexOf('/') + 1);
            if (ref.equals("LeafUrl")) {
                return Arbitraries.just(JSON.textNode(REFUSED_URL));
            }
            return of(name, api.getComponents().getSchemas().get(ref), depth);
        }
        if (schema.getOneOf() != null && !schema.getOneOf().isEmpty()) {
            List<Arbitrary<JsonNode>> alternatives = new ArrayList<>();
            schema.getOneOf().forEach(s -> alternatives.add(of(name, s, depth)));
            return Arbitraries.oneOf(alternatives);
        }
        Arbitrary<JsonNode> value = ofType(name, schema, depth);
        return Boolean.TRUE.equals(schema.getNullable())
                ? Arbitraries.frequencyOf(Tuple.of(9, value), Tuple.of(1,
                        Arbitraries.just(JSON.nullNode())))
                : value;
    }

    private Arbitrary<JsonNode> ofType(String name, Schema<?> schema, int depth) {
        if (schema.getEnum() != null && !schema.getEnum().isEmpty()) {
            return Arbitraries.of(schema.getEnum()).map(e -> (JsonNode) JSON.pojoNode(e)).map(ContractArbitraries::plain);
        }
        String type = schema.getType();
        if (type == null) {
            return schema.getProperties() != null ? object(schema, depth) : anyJson(depth);
        }
        return switch (type) {
            case "string" -> string(schema).map(JSON::textNode);
            case "integer" -> integer(name, schema).map(JSON::numberNode);
            case "number" -> Arbitraries.doubles().between(bound(schema.getMinimum(), -1e6), bound(schema.getMaximum(), 1e6))
                    .map(JSON::numberNode);
            case "boolean" -> Arbitraries.of(true, false).map(JSON::booleanNode);
            case "array" -> array(schema, depth);
            case "object" -> object(schema, depth);
            default -> throw new IllegalArgumentException("schema type " + type + " not generated");
        };
    }

    /** @return strings the schema accepts */
    public Arbitrary<String> string(Schema<?> schema) {
        if (schema.getPattern() != null) {
            return matching(schema.getPattern());
        }
        if ("date-time".equals(schema.getFormat())) {
            return Arbitraries.of("2026-12-01T10:00:00Z", "2026-12-01T10:00:00.123456Z", "1970-01-01T00:00:00Z");
        }
        int min = schema.getMinLength() == null ? 0 : schema.getMinLength();
        int max = schema.getMaxLength() == null ? MAX_FREE_TEXT : Math.min(schema.getMaxLength(), MAX_FREE_TEXT);
        Arbitrary<String> text = text(min, Math.max(min, max));
        // The longest string allowed, in code points, once in a while: a limit is where server and contract part.
        if (schema.getMaxLength() != null && schema.getMaxLength() > MAX_FREE_TEXT) {
            return Arbitraries.oneOf(text, Arbitraries.just("é".repeat(schema.getMaxLength())),
                    Arbitraries.just("\uD83D\uDE00".repeat(schema.getMaxLength())));
        }
        return text;
    }

    /** @return text of {@code min} to {@code max} code points: letters, digits, punctuation, accents, CJK and emoji */
    public static Arbitrary<String> text(int min, int max) {
        Arbitrary<String> codePoint = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.chars().alpha().numeric().with('-', '_', '.', ' ').map(String::valueOf)),
                Tuple.of(1, Arbitraries.of("\"", "\\", "/", "\t", "\n", "\u0000", "\u007f")),
                Tuple.of(1, Arbitraries.of("é", "ß", "Ω", "中", "\u200b", "\uFEFF")),
                Tuple.of(1, Arbitraries.of("\uD83D\uDE00", "\uD834\uDD1E", "\uDBFF\uDFFF")));
        return codePoint.list().ofMinSize(min).ofMaxSize(max).map(l -> String.join("", l));
    }

    /** @return strings that match {@code regex} (as JSON Schema reads it: found anywhere unless anchored) */
    public static Arbitrary<String> matching(String regex) {
        Pattern full = Pattern.compile(regex);
        RgxGen generator = generator(regex);
        return Arbitraries.randomValue(random -> generator.generate(random)).filter(s -> full.matcher(s).find());
    }

    /** @return strings that do not match {@code regex} */
    public static Arbitrary<String> notMatching(String regex) {
        Pattern full = Pattern.compile(regex);
        RgxGen generator = generator(regex);
        return Arbitraries.oneOf(Arbitraries.randomValue(random -> generator.generateNotMatching(random)),
                        Arbitraries.of("", ".", "..", "a b", "a/b", "ä", "x".repeat(300)))
                .filter(s -> !full.matcher(s).find());
    }

    /** RgxGen for a pattern, without a leading lookahead of either kind, which RgxGen does not do (the caller checks it). */
    private static RgxGen generator(String regex) {
        return RgxGen.parse(regex.replaceFirst("^\\^\\(\\?[!=][^)]*\\)", "^"));
    }

    private static Arbitrary<Long> integer(String name, Schema<?> schema) {
        long min = schema.getMinimum() == null ? Long.MIN_VALUE : schema.getMinimum().longValueExact();
        long max = schema.getMaximum() == null ? Long.MAX_VALUE : schema.getMaximum().longValueExact();
        if ("waitMs".equals(name)) {
            max = Math.min(max, 30);
        }
        if (!"int64".equals(schema.getFormat())) {
            min = Math.max(min, Integer.MIN_VALUE);
            max = Math.min(max, Integer.MAX_VALUE);
        }
        return Arbitraries.longs().between(min, max);
    }

    private static double bound(BigDecimal value, double otherwise) {
        return value == null ? otherwise : value.doubleValue();
    }

    private Arbitrary<JsonNode> array(Schema<?> schema, int depth) {
        int min = schema.getMinItems() == null ? 0 : schema.getMinItems();
        int max = Math.max(min, schema.getMaxItems() == null ? MAX_ITEMS : Math.min(schema.getMaxItems(), MAX_ITEMS));
        var list = of(null, schema.getItems(), depth + 1).list().ofMinSize(min).ofMaxSize(max);
        var items = Boolean.TRUE.equals(schema.getUniqueItems()) ? list.uniqueElements() : list;
        return items.map(values -> {
            ArrayNode array = JSON.arrayNode();
            values.forEach(array::add);
            return array;
        });
    }

    private Arbitrary<JsonNode> object(Schema<?> schema, int depth) {
        @SuppressWarnings("rawtypes") // the swagger model's own type
        Map<String, Schema> properties = schema.getProperties() == null ? Map.of() : schema.getProperties();
        List<String> required = schema.getRequired() == null ? List.of() : schema.getRequired();
        List<Arbitrary<Map.Entry<String, JsonNode>>> members = new ArrayList<>();
        properties.forEach((name, s) -> {
            Arbitrary<Map.Entry<String, JsonNode>> member = of(name, s, depth + 1).map(v -> Map.entry(name, v));
            // waitMs is always given: its absence means the contract's default, which can be 20 s.
            members.add(required.contains(name) || name.equals("waitMs") ? member : member.injectNull(0.5));
        });
        if (members.isEmpty()) {
            return Arbitraries.just(JSON.objectNode());
        }
        return Combinators.combine(members).as(entries -> {
            ObjectNode object = JSON.objectNode();
            entries.stream().filter(e -> e != null).forEach(e -> object.set(e.getKey(), e.getValue()));
            return proseRules(object);
        });
    }

    /**
     * Applies the rules the contract states in prose because a schema cannot: {@code Hedging}'s
     * {@code minDelayMs} is at most its {@code maxDelayMs}; a scatter's {@code firstN} asks for at most as many
     * answers as it names shards.
     */
    private static ObjectNode proseRules(ObjectNode object) {
        JsonNode completion = object.path("completion");
        if (completion.path("n").isNumber() && object.path("shards").isArray() && object.get("shards").size() > 0
                && completion.get("n").longValue() > object.get("shards").size()) {
            ((ObjectNode) completion).put("n", object.get("shards").size());
        }
        if (object.path("minDelayMs").isNumber()) {
            // Hedging's maxDelayMs defaults to 1000 (the contract's default).
            long max = object.path("maxDelayMs").isNumber() ? object.get("maxDelayMs").longValue() : 1000;
            long min = object.get("minDelayMs").longValue();
            if (min > max) {
                object.put("minDelayMs", max);
                object.put("maxDelayMs", min);
            }
        }
        return object;
    }

    /** @return small JSON values of every kind, nested at most a few levels */
    public static Arbitrary<JsonNode> anyJson(int depth) {
        Arbitrary<JsonNode> scalar = Arbitraries.oneOf(
                Arbitraries.just(JSON.nullNode()),
                Arbitraries.of(true, false).map(JSON::booleanNode),
                Arbitraries.longs().map(JSON::numberNode),
                Arbitraries.doubles().map(JSON::numberNode),
                text(0, 12).map(JSON::textNode));
        if (depth >= 3) {
            return scalar;
        }
        Arbitrary<JsonNode> array = Arbitraries.lazy(() -> anyJson(depth + 1)).list().ofMaxSize(3).map(values -> {
            ArrayNode a = JSON.arrayNode();
            values.forEach(a::add);
            return a;
        });
        Arbitrary<JsonNode> object = Combinators.combine(text(0, 6), Arbitraries.lazy(() -> anyJson(depth + 1)))
                .as(Map::entry).list().ofMaxSize(3).map(entries -> {
                    ObjectNode o = JSON.objectNode();
                    entries.forEach(e -> o.set(e.getKey(), e.getValue()));
                    return o;
                });
        return Arbitraries.oneOf(scalar, array, object);
    }

    private static JsonNode plain(JsonNode node) {
        Object value = node.isPojo() ? ((com.fasterxml.jackson.databind.node.POJONode) node).getPojo() : node;
        if (value instanceof Number n) {
            return JSON.numberNode(n.longValue());
        }
        return value instanceof JsonNode j ? j : JSON.textNode(String.valueOf(value));
    }
}

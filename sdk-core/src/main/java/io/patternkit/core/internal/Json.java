package io.patternkit.core.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * The one JSON mapper of the SDK (Jackson, with java.time support, RFC 3339 instants, unknown
 * properties ignored for forward compatibility). For the Patternkit SDK modules only.
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    /**
     * Reads JSON trees (payloads, scatter requests and parts) without rounding a number: floating-point values as
     * {@code BigDecimal}, their trailing zeros kept, so that {@code 0.1000000000000000055511151231257827},
     * {@code 12345678901234567.89} and {@code 1.10} are written out again as they came (an exponent may be spelt
     * {@code 1E+400} for {@code 1e400}: the same number); an exponent past an int's range, which no {@code BigDecimal}
     * holds, is read as {@link #mapper()} reads it. A tree binds to a type through {@link #treeToValue}. A text
     * holding more than one value ({@code {} x}, {@code 1, "expectedVersion": 0}) is refused, not read to its first.
     */
    private static final ObjectReader EXACT = MAPPER.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);

    private Json() {
    }

    /**
     * Reads an answer of the sidecar's into a type whose JSON trees keep every number as it was written.
     *
     * @param bytes the JSON text, UTF-8
     * @param type the type to read
     * @param <T> the type
     * @return the value, null for a JSON null
     * @throws IOException when the text is not JSON or does not match the type
     */
    public static <T> T readExact(byte[] bytes, Class<T> type) throws IOException {
        return exactly(reader -> reader.forType(type).readValue(bytes));
    }

    /** One read with {@link #EXACT}. */
    @FunctionalInterface
    private interface Read<T, E extends IOException> {
        T with(ObjectReader reader) throws E;
    }

    /** Reads with {@link #EXACT}; a number past what a {@code BigDecimal} holds (1e9999999999) is read as before. */
    private static <T, E extends IOException> T exactly(Read<T, E> read) throws E {
        try {
            return read.with(EXACT);
        } catch (NumberFormatException beyondBigDecimal) {
            return read.with(MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS));
        }
    }

    /**
     * Checks that a text is exactly one JSON value, reading it as a stream (no tree is built, no number converted).
     *
     * @param json the text; not null
     * @throws IllegalArgumentException when it is empty, not JSON, or more than one value, saying which
     */
    public static void requireOneValue(String json) {
        Objects.requireNonNull(json, "json");
        try (JsonParser p = MAPPER.createParser(json)) {
            if (p.nextToken() == null) {
                throw new IllegalArgumentException("not JSON: the text is empty");
            }
            p.skipChildren();
            JsonToken more = p.nextToken();
            if (more != null) {
                throw new IllegalArgumentException("more than one JSON value: " + more + " at character "
                        + p.currentTokenLocation().getCharOffset());
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a String source has no I/O of its own
        }
    }

    /**
     * Binds a tree read by this class (its numbers exact) to a type as {@link #mapper()} binds the same text: a
     * {@code BigDecimal} or {@code String} member gets the number as written, a {@code double} one its nearest double,
     * and an untyped one ({@code Object}, a {@code Map}'s values) a {@code Double} or {@code Integer} as always (not the
     * {@code BigDecimal} the tree holds).
     *
     * @param node the tree; not null
     * @param type the type to bind
     * @param <T> the type
     * @return the value, null for a JSON null
     * @throws JsonProcessingException when the tree does not match the type
     */
    public static <T> T treeToValue(JsonNode node, Class<T> type) throws JsonProcessingException {
        return MAPPER.readValue(MAPPER.writeValueAsString(node), type);
    }

    /**
     * Reads a JSON tree that keeps every number as it was written.
     *
     * @param bytes the JSON text, UTF-8
     * @return the tree; a missing node for empty text
     * @throws IOException when the text is not JSON
     */
    public static JsonNode readTree(byte[] bytes) throws IOException {
        return exactly(reader -> reader.readTree(bytes));
    }

    /**
     * Reads a JSON tree that keeps every number as it was written.
     *
     * @param text the JSON text
     * @return the tree; a missing node for empty text
     * @throws JsonProcessingException when the text is not JSON
     */
    public static JsonNode readTree(String text) throws JsonProcessingException {
        return exactly(reader -> reader.readTree(text));
    }

    /** @return the shared, thread-safe mapper; callers must not reconfigure it */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Resolves the shared mapper's deserializer and serializer for each type now, so that the first
     * call that reads or writes one does not pay for Jackson's introspection then (15 to 20 ms for a
     * nested record in a cold JVM). For types on a path that is rare but must be fast, such as the
     * answer to a campaign that wins an election. Relies on Jackson's eager fetching
     * ({@code DeserializationFeature.EAGER_DESERIALIZER_FETCH} and
     * {@code SerializationFeature.EAGER_SERIALIZER_FETCH}, both on by default): a type Jackson cannot
     * handle is left for its first use to report.
     *
     * @param types the record or bean types to prepare; not null
     */
    public static void prepare(Class<?>... types) {
        for (Class<?> type : types) {
            MAPPER.readerFor(type);
            MAPPER.writerFor(type);
        }
    }

    /**
     * Serialises a value with the shared mapper.
     *
     * @param value any value Jackson can serialise; null gives {@code "null"}
     * @return compact JSON text
     * @throws IllegalArgumentException when the value cannot be serialised, naming its type
     */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise a " + (value == null ? "null" : value.getClass().getName())
                    + " to JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Checks that a text is one JSON value and returns it compacted.
     *
     * @param json JSON text; not null
     * @return the same value as compact JSON text
     * @throws IllegalArgumentException when the text is not a single JSON value
     */
    public static String normalize(String json) {
        Objects.requireNonNull(json, "json");
        try {
            JsonNode node = readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new IllegalArgumentException("not JSON: the text is empty");
            }
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads JSON text into a type.
     *
     * @param json JSON text; not null
     * @param type the target type; not null
     * @param <T> the target type
     * @return the value
     * @throws IllegalArgumentException when the text does not match the type, naming both
     */
    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot read the JSON payload as " + type.getName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }
}

package io.patternkit.sidecar.common;

import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamWriteConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sidecar's JSON mappers, on Jackson 3 (the one Jackson in the sidecar: Flyway and the Kubernetes client use it
 * too). They keep Jackson 2's behaviour, which the wire was built and fuzzed against ({@code configureForJackson2}:
 * members written in the order their records declare them, not sorted), and Jackson 2's stream limits, which Jackson
 * 3 halved: documents nested up to {@value #MAX_READ_DEPTH} deep and strings up to 20,000,000 characters, as the SDK
 * (Jackson 2) reads them. Writing allows {@value #MAX_WRITE_DEPTH} levels, so that a document read at the limit can
 * still be written inside the sidecar's own answer (a leaf's answer under {@code shards[].response}).
 */
public final class JsonMappers {
    /** How deep a document read may nest: Jackson 2's limit (Jackson 3's is 500). */
    public static final int MAX_READ_DEPTH = 1000;
    /** How deep a document written may nest: room above {@link #MAX_READ_DEPTH} for the envelope around it. */
    public static final int MAX_WRITE_DEPTH = 1100;
    private static final int MAX_STRING_LENGTH = 20_000_000;

    private JsonMappers() {
    }

    /**
     * A mapper with Jackson 2's behaviour and limits, for writing answers and reading what other programs send.
     *
     * @return a new mapper; mappers are immutable and thread-safe
     */
    public static JsonMapper standard() {
        JsonFactory factory = JsonFactory.builderWithJackson2Defaults()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_READ_DEPTH)
                        .maxStringLength(MAX_STRING_LENGTH).build())
                .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_WRITE_DEPTH).build())
                .build();
        return JsonMapper.builder(factory).configureForJackson2().build();
    }

    /**
     * {@code mapper} that reads every JSON number with a fraction or exponent as the decimal written, trailing zeros
     * kept ({@code 1.50} stays {@code 1.50}, {@code 0.12345678901234567890} is not rounded through a double), for JSON
     * the sidecar passes on rather than reads: a scatter's request to its leaves, their answers to the caller.
     *
     * @param mapper the mapper to start from
     * @return a new mapper with {@link DeserializationFeature#USE_BIG_DECIMAL_FOR_FLOATS}
     */
    public static JsonMapper exactDecimals(JsonMapper mapper) {
        return mapper.rebuild().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false).build();
    }

    /**
     * {@code mapper} that also refuses anything after the first JSON document ({@code {"a":1} x}), as request bodies
     * must be one document.
     *
     * @param mapper the mapper to start from
     * @return a new mapper with {@link DeserializationFeature#FAIL_ON_TRAILING_TOKENS}
     */
    public static JsonMapper oneDocument(JsonMapper mapper) {
        return mapper.rebuild().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    }
}

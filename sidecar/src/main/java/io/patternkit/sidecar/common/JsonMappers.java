package io.patternkit.sidecar.common;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sidecar's JSON mappers, on Jackson 3 (the one Jackson in the sidecar: Flyway and the Kubernetes client use it
 * too). They start from Jackson 2's defaults ({@link JsonMapper#builderWithJackson2Defaults()}): members written in
 * the order their records declare them, not sorted, and the same stream limits the wire was tested against.
 */
public final class JsonMappers {
    private JsonMappers() {
    }

    /**
     * A mapper with Jackson 2's defaults, for writing answers and reading what other programs send.
     *
     * @return a new mapper; mappers are immutable and thread-safe
     */
    public static JsonMapper standard() {
        return JsonMapper.builderWithJackson2Defaults().build();
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

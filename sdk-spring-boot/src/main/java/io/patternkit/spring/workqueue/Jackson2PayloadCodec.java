package io.patternkit.spring.workqueue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * A {@link PayloadCodec} over a Jackson 2 {@link ObjectMapper}: the mapper Spring Boot 3 configures, and the
 * fallback when the application has no mapper bean.
 */
public final class Jackson2PayloadCodec implements PayloadCodec {
    private final ObjectMapper mapper;

    /** @param mapper the mapper; not null */
    public Jackson2PayloadCodec(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    @Override
    public Object decode(String json, Type type) {
        try {
            return mapper.readValue(json, mapper.constructType(type));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }

    @Override
    public String encode(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }
}

package io.patternkit.spring.workqueue;

import java.lang.reflect.Type;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** A {@link PayloadCodec} over a Jackson 3 {@link JsonMapper}, the mapper Spring Boot 4 configures. */
public final class Jackson3PayloadCodec implements PayloadCodec {
    private final JsonMapper mapper;

    /** @param mapper the application's mapper; not null */
    public Jackson3PayloadCodec(JsonMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    @Override
    public Object decode(String json, Type type) {
        try {
            return mapper.readValue(json, mapper.constructType(type));
        } catch (JacksonException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }

    @Override
    public String encode(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }
}

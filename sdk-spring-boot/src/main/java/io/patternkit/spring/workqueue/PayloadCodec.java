package io.patternkit.spring.workqueue;

import java.lang.reflect.Type;

/**
 * Turns a work item's JSON payload into a listener's parameter, and a template's payload into JSON. The
 * auto-configuration provides one over the application's own Jackson mapper (Jackson 3's {@code JsonMapper} on
 * Spring Boot 4, Jackson 2's {@code ObjectMapper} on Boot 3), so that the modules and settings the application
 * registered apply to its payloads as they do to its web requests. Declare your own bean to use something else.
 */
public interface PayloadCodec {
    /**
     * @param json the payload; not null
     * @param type the parameter's type, generics included; not null
     * @return the bound value; null only for a JSON {@code null}
     * @throws IllegalArgumentException when the JSON does not bind to the type (the item is then dead-lettered)
     */
    Object decode(String json, Type type);

    /**
     * @param value the payload; not null
     * @return its JSON text
     * @throws IllegalArgumentException when the value cannot be written as JSON
     */
    String encode(Object value);
}

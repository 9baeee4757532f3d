package io.patternkit.management;

import io.patternkit.core.internal.Json;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The answer of a {@link ManagementEndpoint}: status, content type, body bytes and extra headers.
 * Immutable; build with the static factories.
 */
public final class ManagementResponse {
    private final int status;
    private final String contentType;
    private final byte[] body;
    private final Map<String, String> headers;

    private ManagementResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be 200..599, got " + status);
        }
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        this.headers = Map.copyOf(headers);
    }

    /**
     * @param status the HTTP status, 200..599
     * @param json a complete JSON document, already serialised; not null
     * @return an {@code application/json} answer
     */
    public static ManagementResponse json(int status, String json) {
        Objects.requireNonNull(json, "json");
        return new ManagementResponse(status, "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /**
     * @param status the HTTP status, 200..599
     * @param value any value the SDK's JSON mapper (Jackson) can serialise; null gives {@code null}
     * @return an {@code application/json} answer
     * @throws IllegalArgumentException when the value cannot be serialised
     */
    public static ManagementResponse jsonOf(int status, Object value) {
        return json(status, Json.write(value));
    }

    /**
     * @param status the HTTP status, 200..599
     * @param contentType the body's media type, such as {@code application/octet-stream}; not null
     * @param body the bytes, not copied; not null
     * @return an answer with that body
     */
    public static ManagementResponse bytes(int status, String contentType, byte[] body) {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
        return new ManagementResponse(status, contentType, body, Map.of());
    }

    /** @return an empty 204 answer */
    public static ManagementResponse noContent() {
        return new ManagementResponse(204, null, new byte[0], Map.of());
    }

    /**
     * An RFC 9457 {@code application/problem+json} answer with the type's status.
     *
     * @param type the stable problem type; not null
     * @param detail what went wrong, for people; never payloads or secrets; not null
     * @return the answer
     */
    public static ManagementResponse problem(ProblemType type, String detail) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(detail, "detail");
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("type", type.uri());
        doc.put("title", type.title());
        doc.put("status", type.status());
        doc.put("detail", detail);
        return new ManagementResponse(type.status(), Wire.PROBLEM_JSON,
                Json.write(doc).getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /**
     * @param name a header name; not null
     * @param value its value; not null
     * @return a copy with the header added (replacing one of the same name)
     */
    public ManagementResponse withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return new ManagementResponse(status, contentType, body, copy);
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }

    /** @return the {@code Content-Type}, or null for an empty answer */
    public String contentType() {
        return contentType;
    }

    /** @return the body bytes (not copied; do not modify) */
    public byte[] body() {
        return body;
    }

    /** @return extra headers, such as {@code Retry-After}; unmodifiable */
    public Map<String, String> headers() {
        return headers;
    }
}

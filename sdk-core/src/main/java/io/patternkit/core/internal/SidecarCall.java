package io.patternkit.core.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Description of one call to a sidecar, for the Patternkit SDK modules only: the operation name
 * (the OpenAPI operationId, used in metrics and logs), the HTTP method and path (relative to the base
 * URL, already encoded), the request body (any Jackson-serialisable value, or null), whether the call
 * is idempotent (and so may be retried after any retryable failure) and the long-poll wait added to
 * the call timeout.
 *
 * @param operation the operationId, such as {@code claim}
 * @param method {@code GET}, {@code POST}, {@code PUT} or {@code DELETE}
 * @param path such as {@code /v1/queues/jobs/claim}, with the query string if any
 * @param body the request body, or null for none
 * @param idempotent true when repeating the call has the same effect as making it once
 * @param longPoll how long the sidecar may hold the call before answering; zero for ordinary calls
 * @param endEarly for a long-poll, the call that makes the sidecar answer it at once (sent when the
 *     calling thread is interrupted); null when the long-poll can only be cancelled by closing it
 */
public record SidecarCall(String operation, String method, String path, Object body, boolean idempotent,
        Duration longPoll, SidecarCall endEarly) {

    /**
     * Checks that the components are present.
     *
     * @param operation see {@link #operation()}
     * @param method see {@link #method()}
     * @param path see {@link #path()}
     * @param body see {@link #body()}
     * @param idempotent see {@link #idempotent()}
     * @param longPoll see {@link #longPoll()}
     * @param endEarly see {@link #endEarly()}
     */
    public SidecarCall {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(longPoll, "longPoll");
    }

    /**
     * @param operation the operationId
     * @param path the encoded path and query
     * @return an idempotent GET
     */
    public static SidecarCall get(String operation, String path) {
        return new SidecarCall(operation, "GET", path, null, true, Duration.ZERO, null);
    }

    /**
     * @param operation the operationId
     * @param path the encoded path
     * @param body the JSON body
     * @param idempotent whether the POST may be repeated safely
     * @return a POST without long-poll
     */
    public static SidecarCall post(String operation, String path, Object body, boolean idempotent) {
        return new SidecarCall(operation, "POST", path, body, idempotent, Duration.ZERO, null);
    }

    /**
     * @param operation the operationId
     * @param path the encoded path
     * @param body the JSON body
     * @return an idempotent PUT (an upsert)
     */
    public static SidecarCall put(String operation, String path, Object body) {
        return new SidecarCall(operation, "PUT", path, body, true, Duration.ZERO, null);
    }

    /**
     * @param operation the operationId
     * @param path the encoded path
     * @return an idempotent DELETE without body
     */
    public static SidecarCall delete(String operation, String path) {
        return new SidecarCall(operation, "DELETE", path, null, true, Duration.ZERO, null);
    }

    /**
     * @param wait the long-poll wait
     * @return a copy with the long-poll wait set
     */
    public SidecarCall withLongPoll(Duration wait) {
        return new SidecarCall(operation, method, path, body, idempotent, wait, endEarly);
    }

    /**
     * @param end the call that makes the sidecar answer this long-poll at once
     * @return a copy that an interrupt ends with {@code end} rather than by closing the connection
     */
    public SidecarCall withEndEarly(SidecarCall end) {
        return new SidecarCall(operation, method, path, body, idempotent, longPoll, Objects.requireNonNull(end, "end"));
    }
}

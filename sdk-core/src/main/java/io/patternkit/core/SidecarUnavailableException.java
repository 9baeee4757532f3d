package io.patternkit.core;

import java.time.Duration;

/**
 * The sidecar could not be reached or cannot serve right now: the connection was refused or reset,
 * the sidecar answered 503 (engine unreachable or draining) or 408 (the request's body did not reach it in
 * time, so nothing was done), or the client's circuit breaker is open after repeated failures and no
 * request was sent. Retryable: try again later.
 */
public class SidecarUnavailableException extends PatternkitException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message names the URL tried and the environment variable or setting to check
     * @param status 503 or 408, or 0 when there was no HTTP response
     * @param problemType the problem type URI, or null
     * @param retryAfter the {@code Retry-After} hint, or null
     * @param cause the I/O failure, or null
     */
    public SidecarUnavailableException(String message, int status, String problemType, Duration retryAfter,
            Throwable cause) {
        super(message, status, problemType, true, retryAfter, cause);
    }
}

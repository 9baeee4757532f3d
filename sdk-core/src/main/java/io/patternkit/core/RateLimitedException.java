package io.patternkit.core;

import java.time.Duration;

/**
 * 429 {@code rate-limited}: the sidecar is overloaded (RFC 6585). Retryable after
 * {@link #retryAfter()}; idempotent calls were already retried honouring that delay.
 */
public class RateLimitedException extends PatternkitException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what to do
     * @param problemType the problem type URI, or null
     * @param retryAfter the {@code Retry-After} hint, or null
     */
    public RateLimitedException(String message, String problemType, Duration retryAfter) {
        super(message, 429, problemType, true, retryAfter, null);
    }
}

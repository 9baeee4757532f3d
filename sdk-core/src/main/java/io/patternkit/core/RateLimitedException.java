package io.patternkit.core;

import java.time.Duration;

/**
 * 429 {@code rate-limited} (RFC 6585): the sidecar refuses this client's address until {@link #retryAfter()}. The
 * sidecar sends it to an address off loopback that failed authentication too often, so a wrong API token is the
 * usual cause. Retryable after that delay; idempotent calls were already retried honouring it (capped).
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

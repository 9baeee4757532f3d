package io.patternkit.sidecar.workqueue;

import java.time.Duration;

/**
 * Exponential retry backoff for nacks without an explicit delay: {@code base * 2^(attempt-1)},
 * capped at {@code max} (the schedule of SQS-style redrive tools and River).
 *
 * @param baseMs the first delay in milliseconds, 1 to 86 400 000 (one day)
 * @param maxMs the cap in milliseconds, at least {@code baseMs}
 */
public record Backoff(long baseMs, long maxMs) {

    /** Longest allowed base, which keeps {@code base * 2^30} inside a signed 64-bit integer. */
    public static final long MAX_BASE_MS = Duration.ofDays(1).toMillis();

    /**
     * Validates the settings.
     *
     * @param baseMs the first delay in milliseconds, 1 to 86 400 000 (one day)
     * @param maxMs the cap in milliseconds, at least {@code baseMs}
     * @throws IllegalArgumentException when a value is out of range
     */
    public Backoff {
        if (baseMs < 1 || baseMs > MAX_BASE_MS) {
            throw new IllegalArgumentException("backoff base must be between 1 ms and 1 day");
        }
        if (maxMs < baseMs) {
            throw new IllegalArgumentException("backoff max must not be less than the base");
        }
    }
}

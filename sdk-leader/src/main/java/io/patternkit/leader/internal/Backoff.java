package io.patternkit.leader.internal;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;

/**
 * Exponential backoff between failed calls, doubling from a first delay to a cap: resilience4j's
 * {@link IntervalFunction} with the count of failures since the last success. Not thread-safe. Internal.
 */
final class Backoff {
    /** Past this many failures the delay is the cap whatever the count; keeps the exponent small. */
    private static final int MAX_ATTEMPT = 62;

    private final IntervalFunction intervals;
    private int attempt = 1;

    Backoff(Duration first, Duration max) {
        this.intervals = IntervalFunction.ofExponentialBackoff(first, 2.0, max);
    }

    /** @return the delay before the next attempt; doubles the one after */
    Duration next() {
        Duration d = Duration.ofMillis(intervals.apply(attempt));
        attempt = Math.min(attempt + 1, MAX_ATTEMPT);
        return d;
    }

    /** Starts again from the first delay (after a success). */
    void reset() {
        attempt = 1;
    }
}

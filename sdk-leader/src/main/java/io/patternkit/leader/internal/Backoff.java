package io.patternkit.leader.internal;

import java.time.Duration;

/** Exponential backoff between failed calls, doubling from a first delay to a cap. Not thread-safe. Internal. */
final class Backoff {
    private final Duration first;
    private final Duration max;
    private Duration next;

    Backoff(Duration first, Duration max) {
        this.first = first;
        this.max = max;
        this.next = first;
    }

    /** @return the delay before the next attempt; doubles the one after */
    Duration next() {
        Duration d = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return d;
    }

    /** Starts again from the first delay (after a success). */
    void reset() {
        next = first;
    }
}

package io.patternkit.leader.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A {@link Clock} that never goes backwards: {@link System#nanoTime()} measured from a fixed origin (the
 * wall-clock instant when the clock was made). Its instants are only for measuring intervals; they drift
 * from the wall clock as NTP steps it, which is the point: a renew deadline must not move when the wall
 * clock does. Internal.
 */
public final class MonotonicClock extends Clock {
    private final Instant origin;
    private final long originNanos;

    /** Creates a clock whose origin is now. */
    public MonotonicClock() {
        this.origin = Instant.now();
        this.originNanos = System.nanoTime();
    }

    @Override
    public Instant instant() {
        return origin.plus(Duration.ofNanos(System.nanoTime() - originNanos));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a monotonic clock has no zone");
    }

    @Override
    public String toString() {
        return "MonotonicClock[System.nanoTime]";
    }
}

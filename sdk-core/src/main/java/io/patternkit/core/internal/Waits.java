package io.patternkit.core.internal;

import java.time.Duration;

/**
 * A wait's length in nanoseconds that cannot overflow: {@link Duration#toNanos()} throws beyond about 292 years, and
 * {@code System.nanoTime() + nanos} wraps long before that, so a caller meaning "forever"
 * ({@code ChronoUnit.FOREVER.getDuration()}, {@code Duration.ofSeconds(Long.MAX_VALUE)}) would get an
 * {@link ArithmeticException} or no wait at all. For the Patternkit SDK modules only.
 */
public final class Waits {
    /** The longest wait, about 146 years: a {@code System.nanoTime()} reading plus it, and differences, stay in range. */
    public static final long FOREVER_NANOS = Long.MAX_VALUE / 2;

    private Waits() {
    }

    /**
     * @param wait a wait; not null, not negative
     * @return its nanoseconds, at most {@link #FOREVER_NANOS}
     */
    public static long nanos(Duration wait) {
        return wait.compareTo(Duration.ofNanos(FOREVER_NANOS)) >= 0 ? FOREVER_NANOS : wait.toNanos();
    }
}

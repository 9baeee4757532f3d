package io.patternkit.sidecar.common;

/**
 * A monotonic clock in nanoseconds, like Guava's and Caffeine's {@code Ticker}: only differences
 * between readings mean anything. Injectable so that tests control validity without sleeping.
 */
@FunctionalInterface
public interface Ticker {

    /** @return the current reading in nanoseconds; never goes backwards */
    long nanoTime();

    /** @return the JVM's monotonic clock ({@link System#nanoTime()}) */
    static Ticker system() {
        return System::nanoTime;
    }
}

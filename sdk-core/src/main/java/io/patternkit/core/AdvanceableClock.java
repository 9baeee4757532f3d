package io.patternkit.core;

/**
 * Implemented by clocks that tests move by hand (such as {@code ManualClock} of
 * {@code patternkit-sdk-testing}), in the manner of the fake clocks of Kubernetes' {@code k8s.io/utils/clock},
 * whose {@code Step} fires the timers waiting on it. Patternkit components that wait for a moment on an
 * injected {@link java.time.Clock} (a renew time, a renew deadline, a backoff) register here so that an
 * advance wakes them at once to re-read the time: a test moves time and never waits in real time.
 */
public interface AdvanceableClock {
    /**
     * Registers a callback run after every advance of this clock, on the advancing thread. Implementations
     * may hold the callback weakly: the caller keeps it reachable for as long as it wants to be told.
     *
     * @param listener the callback; not null; must be quick and must not block
     */
    void onAdvance(Runnable listener);
}

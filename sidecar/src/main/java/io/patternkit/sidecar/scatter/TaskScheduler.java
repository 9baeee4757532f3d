package io.patternkit.sidecar.scatter;

import io.patternkit.sidecar.common.Ticker;

import java.time.Duration;

/**
 * Time ({@link Ticker#nanoTime()}) and one-shot timers for the scatter engine. The engine calls it, and expects its tasks to
 * run, on one thread at a time (a Vert.x context, or a test's thread), so the engine needs no
 * locks. Tests use a manual implementation whose time moves only when told.
 */
public interface TaskScheduler extends Ticker {

    /**
     * Runs {@code task} once after {@code delay}.
     *
     * @param delay how long to wait, not negative
     * @param task what to run; must not block
     * @return a handle that cancels the task if it has not run yet
     */
    Cancellable schedule(Duration delay, Runnable task);

    /** A scheduled task or a request that can still be called off. */
    @FunctionalInterface
    interface Cancellable {
        /** Calls it off; does nothing when it already ran or was cancelled. Never throws. */
        void cancel();
    }
}

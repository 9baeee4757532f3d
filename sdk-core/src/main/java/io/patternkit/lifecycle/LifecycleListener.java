package io.patternkit.lifecycle;

/**
 * Told about a drain as it happens; registered with {@link Lifecycle#addListener}. Both methods are
 * called on the thread that runs the drain, in registration order; they must return quickly (their time
 * counts against the deadline) and must not throw (what they throw is logged and ignored).
 */
public interface LifecycleListener {
    /**
     * The drain is about to begin; readiness is still as it was.
     *
     * @param notice the deadline and what gave the notice
     */
    default void onTerminationNotice(TerminationNotice notice) {
    }

    /**
     * The drain has ended, with every step finished, failed, overrun or skipped.
     *
     * @param report what each step did and how long it took
     */
    default void onDrained(DrainReport report) {
    }
}

package io.patternkit.lifecycle;

import java.time.Duration;

/**
 * One action of a drain, registered for a {@link DrainPhase} with {@link Lifecycle#register}.
 *
 * <p>Runs on a thread of its own, alongside the other steps of its phase. It should return within
 * {@code budget}; when it does not, the drain moves on at the end of the budget, interrupts the step's
 * thread and reports it as {@link DrainReport.Outcome#OVERRAN}. A step that throws is reported as
 * {@link DrainReport.Outcome#FAILED} and does not stop the drain.
 */
@FunctionalInterface
public interface DrainStep {
    /**
     * @param budget the time this step has, its phase's share of what is left of the deadline; positive
     */
    void run(Duration budget);
}

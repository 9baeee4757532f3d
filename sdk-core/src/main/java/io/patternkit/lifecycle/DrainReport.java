package io.patternkit.lifecycle;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a drain did: every registered step in the order it ran, with its budget and outcome.
 *
 * @param notice the notice that began the drain
 * @param steps one entry per registered step, in phase order, then registration order
 * @param took how long the whole drain took, from the notice to the end of its last phase
 */
public record DrainReport(TerminationNotice notice, List<Step> steps, Duration took) {
    /**
     * Copies the list.
     *
     * @param notice the notice that began the drain
     * @param steps one entry per registered step, in phase order, then registration order
     * @param took how long the whole drain took, from the notice to the end of its last phase
     */
    public DrainReport {
        Objects.requireNonNull(notice, "notice");
        steps = List.copyOf(steps);
        Objects.requireNonNull(took, "took");
    }

    /** @return true when every step completed within its budget */
    public boolean clean() {
        return steps.stream().allMatch(s -> s.outcome() == Outcome.COMPLETED);
    }

    /** @return true when the drain ended before its deadline */
    public boolean withinDeadline() {
        return took.compareTo(notice.budget()) <= 0;
    }

    /**
     * One step of the drain.
     *
     * @param phase the phase it ran in
     * @param name what it was registered as, such as {@code work-queue consumer of corpus}
     * @param budget its share of the deadline
     * @param took how long it ran before it returned, or until the drain moved on
     * @param outcome how it ended
     * @param error what it threw, for {@link Outcome#FAILED}; otherwise empty
     */
    public record Step(DrainPhase phase, String name, Duration budget, Duration took, Outcome outcome,
            Optional<String> error) {
    }

    /** How a step ended. */
    public enum Outcome {
        /** It returned within its budget. */
        COMPLETED,
        /** It threw; the drain went on. */
        FAILED,
        /** It was still running at the end of its budget; its thread was interrupted and the drain went on. */
        OVERRAN,
        /** The deadline had passed before its phase began; it did not run. */
        SKIPPED
    }
}

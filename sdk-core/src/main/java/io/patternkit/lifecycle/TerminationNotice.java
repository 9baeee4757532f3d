package io.patternkit.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The downward API's termination notice (Burns and Oppenheimer, HotCloud 2016, section 3): the
 * application is going to be stopped, and has until {@code deadline} to drain. Kubernetes gives the same
 * notice as SIGTERM (or a {@code preStop} hook) followed by SIGKILL after the pod's grace period.
 *
 * @param trigger what gave the notice; not null
 * @param budget how long the drain may take in all; positive
 * @param deadline when the drain ends at the latest, on the wall clock; not null
 */
public record TerminationNotice(Trigger trigger, Duration budget, Instant deadline) {
    /**
     * Checks the components.
     *
     * @param trigger what gave the notice; not null
     * @param budget how long the drain may take in all; positive
     * @param deadline when the drain ends at the latest, on the wall clock; not null
     */
    public TerminationNotice {
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(deadline, "deadline");
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("budget must be positive, got " + budget);
        }
    }

    /** What gave a termination notice. */
    public enum Trigger {
        /** SIGTERM (or SIGINT) to the process, as the orchestrator sends it. */
        SIGNAL,
        /** {@code /patternkit/lifecycle/drain} on the management server, such as a Kubernetes {@code preStop} hook. */
        HTTP,
        /** The application called {@link Lifecycle#drain(Duration)} itself. */
        PROGRAM
    }
}

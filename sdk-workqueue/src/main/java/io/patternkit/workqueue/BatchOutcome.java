package io.patternkit.workqueue;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one receipt in a batch ack, nack or extend. A batch call itself succeeds when the
 * sidecar answered; each receipt can still fail on its own (typically {@code receipt-stale}).
 *
 * @param receipt the receipt this outcome is for; never null
 * @param ok true when the operation took effect for this receipt
 * @param problemType the problem type URI when not ok, such as {@code urn:patternkit:problem:receipt-stale}
 * @param problemDetail the problem's human-readable detail, when given
 * @param state for a nack, where the item went
 * @param visibleUntil for an extend, the new visibility deadline
 */
public record BatchOutcome(String receipt, boolean ok, Optional<String> problemType, Optional<String> problemDetail,
        Optional<NackOutcome.State> state, Optional<Instant> visibleUntil) {
    /**
     * Checks that the components are present.
     *
     * @param receipt see {@link #receipt()}
     * @param ok see {@link #ok()}
     * @param problemType see {@link #problemType()}
     * @param problemDetail see {@link #problemDetail()}
     * @param state see {@link #state()}
     * @param visibleUntil see {@link #visibleUntil()}
     */
    public BatchOutcome {
        Objects.requireNonNull(receipt, "receipt");
        Objects.requireNonNull(problemType, "problemType");
        Objects.requireNonNull(problemDetail, "problemDetail");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(visibleUntil, "visibleUntil");
    }
}

package io.patternkit.workqueue;

import java.util.List;
import java.util.Objects;

/**
 * What {@link WorkQueue#ackAndClaim} returns: the outcome of each acknowledged receipt, then the items claimed
 * after the acknowledgements.
 *
 * @param acks one outcome per receipt given, in the same order, as {@link WorkQueue#ackAll} answers; empty when none
 *     was given
 * @param items the claimed items, as {@link WorkQueue#claim} answers; possibly empty
 */
public record AckedAndClaimed(List<BatchOutcome> acks, List<WorkItem> items) {
    /**
     * Copies the lists.
     *
     * @param acks see {@link #acks()}
     * @param items see {@link #items()}
     * @throws NullPointerException when a list is null
     */
    public AckedAndClaimed {
        acks = List.copyOf(Objects.requireNonNull(acks, "acks"));
        items = List.copyOf(Objects.requireNonNull(items, "items"));
    }
}

package io.patternkit.sidecar.workqueue;

import java.util.List;

/**
 * What a claim that carries acks answers ({@link WorkQueueService#ackAndClaim}): each carried receipt's outcome and
 * the claimed items.
 *
 * @param acks per carried receipt, in the request's order, true when acked and false when stale; empty when none
 *     was carried
 * @param items the claimed items, possibly none
 */
public record AckedAndClaimed(List<Boolean> acks, List<ClaimedItem> items) {
    /**
     * Copies both lists.
     *
     * @param acks per carried receipt, in the request's order, true when acked and false when stale; empty when none
     *     was carried
     * @param items the claimed items, possibly none
     */
    public AckedAndClaimed {
        acks = List.copyOf(acks);
        items = List.copyOf(items);
    }
}

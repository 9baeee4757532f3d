package io.patternkit.sidecar.workqueue;

/**
 * What an ack did to the item its receipt names (SQS DeleteMessage, which succeeds again for a message it deleted).
 */
public enum AckOutcome {
    /** The item was in flight with this receipt and is acked now. */
    ACKED,
    /** The item had been acked with this receipt before: the ack succeeds again and changes nothing. */
    ALREADY_ACKED,
    /** The receipt is not the item's latest, or the item is neither in flight nor acked: nothing changed. */
    STALE;

    /** @return true unless the receipt was stale: the answer the client gets */
    public boolean acked() {
        return this != STALE;
    }
}

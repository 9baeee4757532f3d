package io.patternkit.sidecar.workqueue;

/**
 * Depth of a queue by state (SQS ApproximateNumberOfMessages and friends).
 *
 * @param ready visible now and claimable (including lapsed claims with attempts left)
 * @param delayed waiting for a delay or backoff
 * @param inFlight claimed, within the visibility timeout
 * @param dead in the dead-letter queue
 * @param acked acked and not yet purged (kept for the dedup window and a minute after it)
 * @param oldestReadyAgeMs milliseconds since the oldest ready item was enqueued, 0 when none
 */
public record QueueStats(long ready, long delayed, long inFlight, long dead, long acked, long oldestReadyAgeMs) {
    /** @return whether the queue holds no item in any state, acked ones not yet purged included */
    public boolean holdsNothing() {
        return ready == 0 && delayed == 0 && inFlight == 0 && dead == 0 && acked == 0;
    }
}

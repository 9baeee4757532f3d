package io.patternkit.sidecar.workqueue;

/**
 * Depth of a queue by state (SQS ApproximateNumberOfMessages and friends).
 *
 * @param ready visible now and claimable (including lapsed claims with attempts left)
 * @param delayed waiting for a delay or backoff
 * @param inFlight claimed, within the visibility timeout
 * @param dead in the dead-letter queue
 * @param acked acked and kept for deduplication
 * @param oldestReadyAgeMs milliseconds since the oldest ready item was enqueued, 0 when none
 */
public record QueueStats(long ready, long delayed, long inFlight, long dead, long acked, long oldestReadyAgeMs) {
}

package io.patternkit.workqueue;

import java.time.Duration;
import java.util.Objects;

/**
 * Depth of a queue by state, as SQS's ApproximateNumberOfMessages* attributes. A snapshot: the numbers
 * change as workers run.
 *
 * @param ready visible now and claimable
 * @param delayed waiting for a delay or backoff to pass
 * @param inFlight claimed and within the visibility timeout
 * @param dead in the dead-letter queue
 * @param acked acked and not yet purged (kept for the dedup window and a minute after it)
 * @param oldestReadyAge age of the oldest ready item; zero when none is ready
 */
public record QueueStats(long ready, long delayed, long inFlight, long dead, long acked, Duration oldestReadyAge) {
    /**
     * Checks that the components are present.
     *
     * @param ready see {@link #ready()}
     * @param delayed see {@link #delayed()}
     * @param inFlight see {@link #inFlight()}
     * @param dead see {@link #dead()}
     * @param acked see {@link #acked()}
     * @param oldestReadyAge see {@link #oldestReadyAge()}
     */
    public QueueStats {
        Objects.requireNonNull(oldestReadyAge, "oldestReadyAge");
    }
}

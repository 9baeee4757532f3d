package io.patternkit.workqueue.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.patternkit.workqueue.ConsumerListener;
import java.time.Duration;

/**
 * The validated settings of a consumer. Internal.
 *
 * @param concurrency handler threads
 * @param batchSize most items per claim
 * @param visibilityTimeout per claim
 * @param pollWait long-poll wait per claim
 * @param ackLinger how long a handled item waits for the next claim to carry its ack before it is acked alone; at
 *     most a quarter of the visibility timeout (a longer one is shortened to that), since the extender leaves a handled
 *     item alone and it must be acked well before its visibility lapses
 * @param registry meter registry
 * @param listener outcome callbacks
 */
public record ConsumerSettings(int concurrency, int batchSize, Duration visibilityTimeout, Duration pollWait,
        Duration ackLinger, MeterRegistry registry, ConsumerListener listener) {
    /**
     * Shortens the ack linger to a quarter of the visibility timeout when it is longer.
     *
     * @param concurrency handler threads
     * @param batchSize most items per claim
     * @param visibilityTimeout per claim
     * @param pollWait long-poll wait per claim
     * @param ackLinger how long a handled item waits for the next claim to carry its ack before it is acked alone; at
     *     most a quarter of the visibility timeout (a longer one is shortened to that), since the extender leaves a handled
     *     item alone and it must be acked well before its visibility lapses
     * @param registry meter registry
     * @param listener outcome callbacks
     */
    public ConsumerSettings {
        Duration quarter = visibilityTimeout.dividedBy(4);
        if (ackLinger.compareTo(quarter) > 0) {
            ackLinger = quarter;
        }
    }
}

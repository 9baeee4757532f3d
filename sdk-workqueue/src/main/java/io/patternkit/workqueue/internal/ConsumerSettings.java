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
 * @param ackLinger how long a handled item waits for the next claim to carry its ack before it is acked alone
 * @param registry meter registry
 * @param listener outcome callbacks
 */
public record ConsumerSettings(int concurrency, int batchSize, Duration visibilityTimeout, Duration pollWait,
        Duration ackLinger, MeterRegistry registry, ConsumerListener listener) {
}

package io.patternkit.spring.workqueue;

import java.time.Duration;

/**
 * The settings a {@link WorkQueueListener} takes when its own attribute is empty, from
 * {@code patternkit.workqueue.listener.*}. A null component leaves the SDK's default of
 * {@link io.patternkit.workqueue.WorkQueueConsumer.Builder}.
 *
 * @param concurrency items handled at once; null for the SDK default (4)
 * @param batchSize items per claim; null for the SDK default (the concurrency)
 * @param visibilityTimeout how long a claimed item stays invisible; null for the SDK default (30 s)
 * @param pollWait how long a claim waits for items (long poll); null for the SDK default (20 s)
 * @param ackLinger how long a handled item's ack waits to ride on the next claim; null for the SDK default (100 ms)
 * @param drainTimeout how long the context's stop waits for running handlers when no lifecycle drain runs;
 *     null for the SDK default (30 s)
 * @param autoStartup whether consumers start with the context
 */
public record ListenerDefaults(Integer concurrency, Integer batchSize, Duration visibilityTimeout, Duration pollWait,
        Duration ackLinger, Duration drainTimeout, boolean autoStartup) {
    /** The prefix of the properties these defaults are bound from. */
    public static final String PREFIX = "patternkit.workqueue.listener.";
}

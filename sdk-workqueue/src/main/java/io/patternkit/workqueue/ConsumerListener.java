package io.patternkit.workqueue;

import java.time.Duration;

/**
 * Optional callbacks from a {@link WorkQueueConsumer}, for logging, tracing or tests, called after the sidecar was told
 * the outcome: {@code onProcessed} on the consumer's own threads (the one that claims, or the one that acks, as the ack
 * goes), the others on the worker thread that ran the handler. Must be quick and must not block: claiming, acking or
 * the next item waits for it. What a callback throws is logged and ignored, an {@link Error} such as
 * an {@link AssertionError} included (the JVM's own errors, but a {@link StackOverflowError}, are thrown on). All
 * methods default to doing nothing.
 */
public interface ConsumerListener {
    /**
     * The handler returned and the item was acked.
     *
     * @param item the item
     * @param handlerTime how long the handler ran
     */
    default void onProcessed(WorkItem item, Duration handlerTime) {
    }

    /**
     * The handler threw and the item was nacked with backoff (or dead-lettered, when its attempts ran out).
     *
     * @param item the item
     * @param failure what the handler threw
     */
    default void onFailed(WorkItem item, Exception failure) {
    }

    /**
     * The item went to the dead-letter queue.
     *
     * @param item the item
     * @param reason why
     */
    default void onDeadLettered(WorkItem item, String reason) {
    }

    /**
     * The ack or nack was refused because the receipt was stale: the item was redelivered meanwhile
     * and may be handled again.
     *
     * @param item the item
     */
    default void onStaleReceipt(WorkItem item) {
    }
}

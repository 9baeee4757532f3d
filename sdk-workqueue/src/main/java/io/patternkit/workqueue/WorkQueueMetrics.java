package io.patternkit.workqueue;

/**
 * Names of the Micrometer meters a {@link WorkQueueConsumer} publishes, each tagged {@link #TAG_QUEUE}. The consumers
 * of a queue that share a registry share its meters, which leave the registry when the last of them closes.
 * The client calls underneath are measured by {@link io.patternkit.core.ClientMetrics}.
 */
public final class WorkQueueMetrics {
    private WorkQueueMetrics() {
    }

    /** Tag: the queue's name. */
    public static final String TAG_QUEUE = "queue";
    /** Counter: handler calls that returned normally (the item was then acked). */
    public static final String PROCESSED = "patternkit.workqueue.consumer.processed";
    /** Counter: handler calls that threw (the item was nacked with backoff). */
    public static final String FAILED = "patternkit.workqueue.consumer.failed";
    /** Counter: items sent to the dead-letter queue (poison, or attempts used up). */
    public static final String DEAD_LETTERED = "patternkit.workqueue.consumer.dead.lettered";
    /** Counter: successful visibility extensions of in-flight items. */
    public static final String EXTENSIONS = "patternkit.workqueue.consumer.extensions";
    /** Counter: settlements refused because the receipt was stale (the item was redelivered meanwhile). */
    public static final String STALE_RECEIPTS = "patternkit.workqueue.consumer.stale.receipts";
    /** Timer: duration of handler calls, tagged {@link #TAG_OUTCOME}. */
    public static final String HANDLER = "patternkit.workqueue.consumer.handler";
    /**
     * Gauge: items in hand now (claimed and not yet settled), summed over every running consumer of the queue that
     * shares the registry; a consumer stops counting once drained or shut down.
     */
    public static final String IN_FLIGHT = "patternkit.workqueue.consumer.in.flight";
    /** Tag of {@link #HANDLER}: {@code success}, {@code failure} or {@code poison}. */
    public static final String TAG_OUTCOME = "outcome";
}

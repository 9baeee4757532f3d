package io.patternkit.sidecar.workqueue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The work-queue operation counters, exposed as {@code patternkit_workqueue_items_total} with an
 * {@code event} tag: enqueued, claimed, acked, nacked, dead_lettered, redelivered. Meter names
 * live here and nowhere else (the command runner's meters are registered by
 * {@link io.patternkit.sidecar.workqueue.exec.ExecMetrics} under the names below). Thread-safe.
 */
public final class WorkQueueMetrics {
    /** The counter's name. */
    public static final String ITEMS = "patternkit.workqueue.items";
    /** Commands run per item, by {@code queue} and {@code outcome}. */
    public static final String EXEC_COMMANDS = "patternkit.workqueue.exec.commands";
    /** How long commands run per item took, by {@code queue} and {@code outcome}. */
    public static final String EXEC_DURATION = "patternkit.workqueue.exec.duration";

    final Counter enqueued;
    final Counter claimed;
    final Counter acked;
    final Counter nacked;
    final Counter deadLettered;
    final Counter redelivered;

    /**
     * Registers the counters.
     *
     * @param registry the registry, never null
     */
    public WorkQueueMetrics(MeterRegistry registry) {
        enqueued = counter(registry, "enqueued");
        claimed = counter(registry, "claimed");
        acked = counter(registry, "acked");
        nacked = counter(registry, "nacked");
        deadLettered = counter(registry, "dead_lettered");
        redelivered = counter(registry, "redelivered");
    }

    private static Counter counter(MeterRegistry registry, String event) {
        return Counter.builder(ITEMS).tag("event", event).description("Work-queue items by event").register(registry);
    }
}

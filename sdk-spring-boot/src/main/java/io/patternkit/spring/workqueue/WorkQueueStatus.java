package io.patternkit.spring.workqueue;

import io.patternkit.core.SidecarReadiness;
import io.patternkit.spring.StatusContributor;
import io.patternkit.workqueue.ConsumerStats;
import io.patternkit.workqueue.WorkQueueClient;
import io.patternkit.workqueue.WorkQueueConsumer;
import io.patternkit.workqueue.WorkQueues;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The work queue's part of the application's Patternkit status: the sidecar (its URL, and its readiness when asked)
 * and each {@link WorkQueueListener}'s consumer (running, and its counters).
 */
public final class WorkQueueStatus implements StatusContributor {
    private final WorkQueues queues;
    private final WorkQueueListenerContainer listeners;

    /**
     * @param queues the application's queues: a {@link WorkQueueClient} has a sidecar to describe, a fake has none
     * @param listeners the listener container
     */
    public WorkQueueStatus(WorkQueues queues, WorkQueueListenerContainer listeners) {
        this.queues = Objects.requireNonNull(queues, "queues");
        this.listeners = Objects.requireNonNull(listeners, "listeners");
    }

    @Override
    public Optional<SidecarReadiness> sidecarReadiness() {
        return StatusContributor.readinessOf(queues);
    }

    @Override
    public String name() {
        return "workqueue";
    }

    @Override
    public Map<String, Object> status(boolean probeSidecar) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("sidecar", StatusContributor.sidecar(queues, probeSidecar));
        Map<String, Object> consumers = new LinkedHashMap<>();
        listeners.consumers().forEach((id, consumer) -> consumers.put(id, describe(consumer)));
        status.put("listeners", consumers);
        return status;
    }

    private static Map<String, Object> describe(WorkQueueConsumer consumer) {
        ConsumerStats stats = consumer.stats();
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("running", consumer.isRunning());
        described.put("inFlight", stats.inFlight());
        described.put("processed", stats.processed());
        described.put("failed", stats.failed());
        described.put("deadLettered", stats.deadLettered());
        described.put("redeliveriesSeen", stats.redeliveriesSeen());
        consumer.drainResult().ifPresent(drain -> described.put("drained", Map.of("completed", drain.completed(),
                "released", drain.released(), "stranded", drain.stranded())));
        return described;
    }
}

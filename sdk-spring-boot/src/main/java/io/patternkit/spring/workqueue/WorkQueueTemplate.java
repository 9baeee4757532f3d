package io.patternkit.spring.workqueue;

import io.patternkit.workqueue.Enqueue;
import io.patternkit.workqueue.EnqueueResult;
import io.patternkit.workqueue.WorkQueue;
import io.patternkit.workqueue.WorkQueues;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The producer side of the work queue in a Spring application, in the style of Spring's {@code JmsTemplate} and
 * Spring Kafka's {@code KafkaTemplate}: enqueues objects as JSON through the application's {@link PayloadCodec}, or
 * files by reference. Thread-safe. Every method may throw the SDK's typed exceptions
 * ({@link io.patternkit.core.PatternkitException} and its subtypes), which say what to do.
 */
public class WorkQueueTemplate {
    private final WorkQueues queues;
    private final PayloadCodec codec;

    /**
     * @param queues where queues come from; not null
     * @param codec how payloads become JSON; not null
     */
    public WorkQueueTemplate(WorkQueues queues, PayloadCodec codec) {
        this.queues = Objects.requireNonNull(queues, "queues");
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    /**
     * Enqueues an object as the JSON its codec writes.
     *
     * @param queue the queue's name; not null
     * @param payload the payload; not null
     * @return the item's id, and whether it was a duplicate
     * @throws IllegalArgumentException when the queue name is not allowed or the payload cannot be written as JSON
     */
    public EnqueueResult send(String queue, Object payload) {
        return queue(queue).enqueue(json(payload));
    }

    /**
     * Enqueues a described item: a dedup key, a delay, a priority, a maximum of attempts.
     *
     * @param queue the queue's name; not null
     * @param item the item; not null
     * @return the item's id, and whether it was a duplicate
     */
    public EnqueueResult send(String queue, Enqueue item) {
        return queue(queue).enqueue(Objects.requireNonNull(item, "item"));
    }

    /**
     * Enqueues many objects in calls of at most 1000 ({@link io.patternkit.workqueue.WorkQueue#enqueueAll}): each
     * call is atomic (all its items or none), the calls together are not; give the items dedup keys (through
     * {@link #queue}) when a repeat after a failure must be safe.
     *
     * @param queue the queue's name; not null
     * @param payloads the payloads, possibly none; not null
     * @return one result per payload, in order
     */
    public List<EnqueueResult> sendAll(String queue, List<?> payloads) {
        return queue(queue).enqueueAll(payloads.stream().map(this::json).toList());
    }

    /**
     * Enqueues a file by reference, for a {@link WorkQueueListener} that takes a {@link Path}.
     *
     * @param queue the queue's name; not null
     * @param file the file; not null
     * @return the item's id, and whether it was a duplicate
     */
    public EnqueueResult sendFile(String queue, Path file) {
        return queue(queue).enqueue(Enqueue.file(file));
    }

    /**
     * @param name the queue's name; not null
     * @return the queue, for what the template does not cover (stats, dead letters, redrive)
     */
    public WorkQueue queue(String name) {
        return queues.queue(Objects.requireNonNull(name, "name"));
    }

    private Enqueue json(Object payload) {
        return Enqueue.json(codec.encode(Objects.requireNonNull(payload, "payload")));
    }
}

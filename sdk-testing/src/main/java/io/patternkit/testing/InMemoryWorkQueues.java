package io.patternkit.testing;

import io.patternkit.workqueue.WorkQueues;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * In-memory {@link WorkQueues}: one {@link InMemoryWorkQueue} per name, created on first use with the sidecar's
 * defaults on a shared clock. The stand-in for a {@link io.patternkit.workqueue.WorkQueueClient} where code asks for
 * queues by name (a Spring application's {@code @WorkQueueListener}s and template). Thread-safe.
 */
public final class InMemoryWorkQueues implements WorkQueues {
    private final Clock clock;
    private final ConcurrentMap<String, InMemoryWorkQueue> queues = new ConcurrentHashMap<>();

    private InMemoryWorkQueues(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param clock the clock every queue reads; a {@link ManualClock} for tests that move time; not null
     * @return an empty registry
     */
    public static InMemoryWorkQueues create(Clock clock) {
        return new InMemoryWorkQueues(Objects.requireNonNull(clock, "clock"));
    }

    /**
     * @param name the queue's name (1 to 128 letters, digits, {@code .}, {@code _} and {@code -}); not null
     * @return the queue of that name, the same one on every call
     * @throws IllegalArgumentException when the name is not allowed
     */
    @Override
    public InMemoryWorkQueue queue(String name) {
        Objects.requireNonNull(name, "name");
        return queues.computeIfAbsent(name, n -> InMemoryWorkQueue.create(n, clock));
    }
}

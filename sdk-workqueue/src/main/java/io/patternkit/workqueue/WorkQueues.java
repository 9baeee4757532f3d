package io.patternkit.workqueue;

/**
 * Where {@link WorkQueue} handles come from: the {@link WorkQueueClient} of a real sidecar, or an in-memory
 * registry in tests ({@code io.patternkit.testing.InMemoryWorkQueues}). Code that needs queues by name (a
 * framework integration, a router of work) depends on this interface rather than on the client, in the way
 * {@link io.patternkit.workqueue.WorkQueue} itself is the seam for a single queue.
 */
@FunctionalInterface
public interface WorkQueues {
    /**
     * Returns a handle on the named queue; queues exist implicitly. Cheap; no call is made.
     *
     * @param name 1 to 128 letters, digits, {@code .}, {@code _} and {@code -}; not null
     * @return the queue; never null
     * @throws IllegalArgumentException when the name is not allowed
     */
    WorkQueue queue(String name);
}

package io.patternkit.scatter;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * What a {@link LeafHandler} knows about the call it serves: which pool, shard and scatter, which attempt
 * (above 1 for a hedged request), how much of the root's deadline remains, and whether the root has given
 * up (cancellation: the root closed the connection — a hedge lost, the completion policy was met, or the
 * caller went away — or the remaining budget ran out).
 */
public interface LeafContext {
    /** @return the pool */
    String pool();

    /** @return this leaf's shard */
    String shard();

    /** @return this leaf's id in the pool */
    String leafId();

    /** @return the root's id of the scatter (use it to correlate logs); empty when the root sent none */
    String scatterId();

    /** @return 1 for the first request to this shard, 2 and up for hedged requests */
    int attempt();

    /** @return the budget left before the root stops waiting; zero, never negative, once it has passed */
    Duration remaining();

    /** @return true once the call is cancelled (connection closed by the root, or the budget ran out) */
    boolean isCancelled();

    /**
     * @return a stage that completes (with null) when the call is cancelled, and never otherwise; callbacks
     *     run on an SDK thread and must not block
     */
    CompletionStage<Void> whenCancelled();
}

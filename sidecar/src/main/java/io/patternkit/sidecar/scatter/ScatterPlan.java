package io.patternkit.sidecar.scatter;

import java.time.Duration;
import java.util.List;

/**
 * Everything one scatter call needs, validated.
 *
 * @param pool the pool
 * @param scatterId the call's id, sent to leaves
 * @param requestJson the client's {@code request}, serialised, handed to every leaf as is
 * @param deadline the overall budget
 * @param leafTimeout the budget of one leaf request (at most the deadline)
 * @param completion when to stop gathering
 * @param hedging when and how much to hedge
 * @param targets the shards to ask, in the order the answer lists them
 */
public record ScatterPlan(String pool, String scatterId, String requestJson, Duration deadline, Duration leafTimeout,
                          Completion completion, Hedging hedging, List<ShardTarget> targets) {
    /**
     * Copies the list.
     *
     * @param pool the pool
     * @param scatterId the call's id, sent to leaves
     * @param requestJson the client's {@code request}, serialised, handed to every leaf as is
     * @param deadline the overall budget
     * @param leafTimeout the budget of one leaf request (at most the deadline)
     * @param completion when to stop gathering
     * @param hedging when and how much to hedge
     * @param targets the shards to ask, in the order the answer lists them
     */
    public ScatterPlan {
        targets = List.copyOf(targets);
    }
}

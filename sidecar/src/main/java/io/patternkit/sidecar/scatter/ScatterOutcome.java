package io.patternkit.sidecar.scatter;

import java.time.Duration;
import java.util.List;

/**
 * The gathered result of a scatter call, before any merge.
 *
 * @param pool the pool
 * @param scatterId the call's id
 * @param complete whether every requested shard answered
 * @param policyMet whether the completion policy was met
 * @param elapsed from the start of the call to its end
 * @param shards every requested shard once, in request order
 * @param answerOrder the answered shards' outcomes in the order they answered
 * @param stats what the call cost
 */
public record ScatterOutcome(String pool, String scatterId, boolean complete, boolean policyMet, Duration elapsed,
                             List<ShardOutcome> shards, List<ShardOutcome> answerOrder, ScatterStats stats) {
}

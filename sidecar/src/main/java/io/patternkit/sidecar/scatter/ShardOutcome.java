package io.patternkit.sidecar.scatter;

import io.patternkit.protocol.ShardStatus;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/**
 * How one shard of a scatter call ended.
 *
 * @param shard the shard name
 * @param status the outcome
 * @param reason why it did not answer, or null when answered
 * @param leafId the replica that answered, or the last one asked; null when none was asked
 * @param latency from the start of the call to this outcome
 * @param hedged whether a hedged request was sent for the shard
 * @param attempts leaf requests sent for the shard (first, hedge and failovers)
 * @param response the leaf's answer when answered, else null
 */
public record ShardOutcome(String shard, ShardStatus status, String reason, String leafId, Duration latency,
                           boolean hedged, int attempts, JsonNode response) {
}

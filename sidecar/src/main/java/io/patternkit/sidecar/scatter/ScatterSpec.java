package io.patternkit.sidecar.scatter;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A validated scatter request body, before the pool's shards are looked up.
 *
 * @param requestJson the client's {@code request}, serialised exactly as sent
 * @param deadline the overall budget
 * @param leafTimeout the budget of one leaf request, at most the deadline
 * @param completion when to stop gathering
 * @param hedging when and how much to hedge
 * @param shards the shards named, in order, or empty for every known shard
 * @param mergeUrl the merge container's URL, or empty
 * @param mergeTimeout the budget of the merge call
 */
public record ScatterSpec(String requestJson, Duration deadline, Duration leafTimeout, Completion completion,
                          Hedging hedging, Optional<List<String>> shards, Optional<String> mergeUrl, Duration mergeTimeout) {
}

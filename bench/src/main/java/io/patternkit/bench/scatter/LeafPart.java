package io.patternkit.bench.scatter;

/**
 * One leaf's answer in the benchmark: which replica answered and how long its handler took, measured on
 * the leaf's side, so that a fan-out's own overhead is its end-to-end latency minus the slowest leaf's
 * service time.
 *
 * @param shard the shard
 * @param leafId the replica
 * @param serviceNanos the handler's time, from its entry to its return, in nanoseconds
 * @param straggled whether this call was one of the injected stragglers
 * @param attempt the root's attempt number (2 for a hedged request); 1 for the plain fan-out
 */
public record LeafPart(String shard, String leafId, long serviceNanos, boolean straggled, int attempt) {
}

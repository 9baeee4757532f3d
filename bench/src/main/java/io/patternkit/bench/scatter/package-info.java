/**
 * The scatter/gather benchmark ({@link io.patternkit.bench.scatter.ScatterBench}): the fan-out overhead of
 * the root sidecar and the SDK next to a plain {@code CompletableFuture} fan-out from Java over the same
 * leaves, and tail latency with injected stragglers with hedging off and on. The leaves run in one
 * separate JVM ({@link io.patternkit.bench.scatter.LeafHost}), many {@code ScatterLeaf}s on their own
 * management servers. Results go to {@code scatter.json} and {@code scatter.md}, which {@code bench/run.sh}
 * puts into the "Scatter/gather" section of {@code docs/benchmarks.md}.
 */
package io.patternkit.bench.scatter;

/**
 * Benchmarks of Patternkit, run by {@code bench/run.sh} (never by the test suite): end-to-end queue
 * throughput through the SDK and a real sidecar next to the same engine driven in-process
 * ({@link io.patternkit.bench.QueueThroughput}), the cost of one SDK call over loopback
 * ({@link io.patternkit.bench.CallLatency}), and the main job on the JDK corpus next to its stage
 * without the queue ({@link io.patternkit.bench.CorpusJob}). Each writes a Markdown fragment that
 * {@code run.sh} assembles into {@code docs/benchmarks.md}.
 */
package io.patternkit.bench;

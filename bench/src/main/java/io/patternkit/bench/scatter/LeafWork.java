package io.patternkit.bench.scatter;

/**
 * The scatter request of the benchmark, handed to every leaf as is: how long each leaf waits, and how
 * often and how much slower a leaf call straggles.
 *
 * @param delayMicros the leaf's fixed delay per call, in microseconds
 * @param stragglerPercent the chance, in percent, that one leaf call straggles (0 for none)
 * @param stragglerFactor how many times the delay a straggling call waits
 */
public record LeafWork(long delayMicros, double stragglerPercent, int stragglerFactor) {
}

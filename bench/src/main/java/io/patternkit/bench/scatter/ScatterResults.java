package io.patternkit.bench.scatter;

import java.util.List;
import java.util.Map;

/**
 * Everything one run of {@link ScatterBench} measured, written as {@code scatter.json} and read back by
 * {@code --report-only}. Times are in microseconds unless a name says otherwise; per-round lists hold one
 * value per measured round, in round order.
 *
 * @param setup what was run, and on what
 * @param overhead part 1, one row per leaf count and fan-out
 * @param tailRuns part 2, once per run, each in fresh processes
 */
public record ScatterResults(Setup setup, List<OverheadRow> overhead, List<TailRun> tailRuns) {

    /**
     * One run of part 2.
     *
     * @param run its number, from 1
     * @param loadBefore load average (1, 5, 15 min) at its start
     * @param loadAfter load average at its end
     * @param rows one per variant
     * @param hedgeMetrics the root's own counters over the measured rounds (from {@code /metrics}), by pool and
     *     counter
     */
    public record TailRun(int run, String loadBefore, String loadAfter, List<TailRow> rows,
                          Map<String, Map<String, Double>> hedgeMetrics) {
    }

    /**
     * @param started when the run started, RFC 3339 UTC
     * @param commit the source revision
     * @param cores available processors
     * @param cpu the CPU model
     * @param jdk the JDK
     * @param kernel the kernel
     * @param loadBefore load average (1, 5, 15 min) at the start
     * @param loadAfter load average at the end
     * @param wallSeconds the whole run, start-up included
     * @param rounds measured rounds
     * @param warmup unrecorded warm-up calls per fan-out (part 1) or variant (part 2), per pool
     * @param fanIterations calls per fan-out, leaf count and round (part 1)
     * @param tailIterations calls per variant and round (part 2)
     * @param delayMicros the leaves' fixed delay
     * @param servers management servers in the leaf process
     * @param workerThreads worker threads per management server
     * @param tailShards shards of the tail pools
     * @param replicas replicas per shard of the tail pools
     * @param stragglerPercent chance of a straggling leaf call in the straggler variants
     * @param stragglerFactor how many times slower a straggling call is
     * @param hedgePercentile the hedge delay percentile of the hedged variants
     * @param hedgeMinDelayMs the hedge delay's lower bound
     * @param hedgeMaxDelayMs the hedge delay's upper bound
     * @param maxExtraLoadPercent the hedge budget
     * @param tailDeadlineMs the deadline of the tail calls
     * @param tailWarmupSeconds the least warm-up time of each tail run
     */
    public record Setup(String started, String commit, int cores, String cpu, String jdk, String kernel,
                        String loadBefore, String loadAfter, long wallSeconds, int rounds, int warmup,
                        int fanIterations, int tailIterations, long delayMicros, int servers, int workerThreads,
                        int tailShards, int replicas, double stragglerPercent, int stragglerFactor,
                        double hedgePercentile, long hedgeMinDelayMs, long hedgeMaxDelayMs,
                        double maxExtraLoadPercent, long tailDeadlineMs, int tailWarmupSeconds) {
    }

    /**
     * @param leaves the leaf count (shards, one replica each)
     * @param fanOut the fan-out's name
     * @param e2eP50 per round: end-to-end p50
     * @param e2eP99 per round: end-to-end p99
     * @param overheadP50 per round: p50 of (end-to-end minus the slowest leaf's service time)
     * @param overheadP99 per round: p99 of the same
     * @param serviceP50 per round: p50 of the slowest leaf's service time
     */
    public record OverheadRow(int leaves, String fanOut, List<Double> e2eP50, List<Double> e2eP99,
                              List<Double> overheadP50, List<Double> overheadP99, List<Double> serviceP50) {
    }

    /**
     * @param variant the variant's name
     * @param pool the pool it used
     * @param stragglers whether stragglers were injected
     * @param maxHedges hedged requests per shard at most, 0 with hedging off
     * @param p50 per round
     * @param p99 per round
     * @param p999 per round
     * @param pooledP50 over every measured call of every round
     * @param pooledP99 same
     * @param pooledP999 same
     * @param calls measured calls
     * @param incomplete calls that did not have every shard answered
     * @param firstRequests first leaf requests (one per shard per call)
     * @param leafRequests every leaf request, from the answers' stats
     * @param hedgedRequests hedged requests, from the answers' stats
     * @param hedgesWon hedges that answered first
     * @param cancelledRequests leaf requests the root cancelled
     * @param straggledParts answered parts that were injected stragglers
     */
    public record TailRow(String variant, String pool, boolean stragglers, int maxHedges, List<Double> p50,
                          List<Double> p99, List<Double> p999, double pooledP50, double pooledP99, double pooledP999,
                          long calls, long incomplete, long firstRequests, long leafRequests, long hedgedRequests,
                          long hedgesWon, long cancelledRequests, long straggledParts) {
    }
}

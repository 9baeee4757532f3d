package io.patternkit.bench.leader;

import io.patternkit.bench.Stats;
import java.util.ArrayList;
import java.util.List;

/**
 * The cost of the low-level calls: a hand-rolled loop (not JMH, like {@code CallLatency}) with
 * {@link System#nanoTime()} around every call, every iteration making one call of each probe in an
 * order that rotates every iteration, so the machine's noise hits all probes alike; several rounds
 * after a warm-up; per round the nearest-rank p50 and p99, reported as the median over the rounds.
 *
 * @param probe what was called
 * @param p50 each round's p50, nanoseconds
 * @param p99 each round's p99, nanoseconds
 * @param failures calls that threw, over all measured rounds (left out of the percentiles; the first
 *     one is printed to standard error)
 */
record CallCost(CallProbe probe, List<Double> p50, List<Double> p99, int[] failures) {

    /**
     * Measures the probes.
     *
     * @param probes what to call
     * @param rounds measured rounds
     * @param iterations calls of each probe per round
     * @param warmup unrecorded calls of each probe first
     * @return one cost per probe, in the probes' order
     */
    static List<CallCost> measure(List<CallProbe> probes, int rounds, int iterations, int warmup) {
        int kinds = probes.size();
        long[][] samples = new long[kinds][Math.max(iterations, warmup)];
        List<CallCost> costs = new ArrayList<>();
        for (CallProbe probe : probes) {
            costs.add(new CallCost(probe, new ArrayList<>(), new ArrayList<>(), new int[1]));
        }
        run(costs, samples, warmup);
        for (CallCost cost : costs) {
            cost.failures()[0] = 0;
        }
        for (int round = 0; round < rounds; round++) {
            int[] ok = run(costs, samples, iterations);
            for (int k = 0; k < kinds; k++) {
                costs.get(k).p50().add(ok[k] == 0 ? Double.NaN : (double) Stats.percentile(samples[k], ok[k], 50));
                costs.get(k).p99().add(ok[k] == 0 ? Double.NaN : (double) Stats.percentile(samples[k], ok[k], 99));
            }
            System.err.println("[calls] round " + round + " done");
        }
        return costs;
    }

    /** One pass; returns per probe how many calls succeeded (their times fill {@code samples[k][0..ok)}). */
    private static int[] run(List<CallCost> costs, long[][] samples, int iterations) {
        int kinds = costs.size();
        int[] ok = new int[kinds];
        for (int i = 0; i < iterations; i++) {
            for (int j = 0; j < kinds; j++) {
                int k = (i + j) % kinds;
                CallCost cost = costs.get(k);
                long start = System.nanoTime();
                try {
                    cost.probe().call().call();
                    samples[k][ok[k]++] = System.nanoTime() - start;
                } catch (Exception e) {
                    if (cost.failures()[0]++ == 0) {
                        System.err.println("[calls] " + cost.probe().contender() + " " + cost.probe().operation()
                                + " failed: " + e);
                    }
                }
            }
        }
        return ok;
    }

    /** The median over the rounds of the rounds' p50, nanoseconds. */
    double medianP50() {
        return Stats.median(p50.stream().filter(v -> !Double.isNaN(v)).toList());
    }

    /** The median over the rounds of the rounds' p99, nanoseconds. */
    double medianP99() {
        return Stats.median(p99.stream().filter(v -> !Double.isNaN(v)).toList());
    }
}

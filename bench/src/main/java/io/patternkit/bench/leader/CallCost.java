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
 */
record CallCost(CallProbe probe, List<Double> p50, List<Double> p99) {

    /**
     * Measures the probes.
     *
     * @param probes what to call
     * @param rounds measured rounds
     * @param iterations calls of each probe per round
     * @param warmup unrecorded calls of each probe first
     * @return one cost per probe, in the probes' order
     * @throws Exception the first call that failed
     */
    static List<CallCost> measure(List<CallProbe> probes, int rounds, int iterations, int warmup) throws Exception {
        int kinds = probes.size();
        long[][] samples = new long[kinds][Math.max(iterations, warmup)];
        run(probes, samples, warmup);
        List<CallCost> costs = new ArrayList<>();
        for (CallProbe probe : probes) {
            costs.add(new CallCost(probe, new ArrayList<>(), new ArrayList<>()));
        }
        for (int round = 0; round < rounds; round++) {
            run(probes, samples, iterations);
            for (int k = 0; k < kinds; k++) {
                costs.get(k).p50().add((double) Stats.percentile(samples[k], iterations, 50));
                costs.get(k).p99().add((double) Stats.percentile(samples[k], iterations, 99));
            }
            System.err.println("[calls] round " + round + " done");
        }
        return costs;
    }

    private static void run(List<CallProbe> probes, long[][] samples, int iterations) throws Exception {
        int kinds = probes.size();
        for (int i = 0; i < iterations; i++) {
            for (int j = 0; j < kinds; j++) {
                int k = (i + j) % kinds;
                long start = System.nanoTime();
                probes.get(k).call().call();
                samples[k][i] = System.nanoTime() - start;
            }
        }
    }

    /** The median over the rounds of the rounds' p50, nanoseconds. */
    double medianP50() {
        return Stats.median(p50);
    }

    /** The median over the rounds of the rounds' p99, nanoseconds. */
    double medianP99() {
        return Stats.median(p99);
    }
}

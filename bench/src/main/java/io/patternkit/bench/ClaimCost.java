package io.patternkit.bench;

import io.patternkit.sidecar.workqueue.ClaimedItem;
import io.patternkit.sidecar.workqueue.NewItem;
import io.patternkit.sidecar.workqueue.QueueEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The in-process cost of claiming one item and acking it with a backlog of ready items behind it, as the queue
 * benchmark's claim-cost table and the growth benchmark measure it: 300 claims after 50 unrecorded ones, each
 * {@code claim(1)} then {@code ackAll} of its receipt.
 */
final class ClaimCost {
    /** Claims measured; the queue must hold this many plus {@link #UNRECORDED} items beyond the backlog. */
    static final int RECORDED = 300;
    /** Claims made first and not recorded. */
    static final int UNRECORDED = 50;
    private static final int CHUNK = 500;

    private ClaimCost() {
    }

    /**
     * The nanoseconds of each recorded claim and ack.
     *
     * @param claimNanos each claim's time
     * @param ackNanos each ack's time
     */
    record Samples(long[] claimNanos, long[] ackNanos) {
        /** @return the claim's p50 in nanoseconds */
        long claimP50() {
            return Stats.percentile(claimNanos, RECORDED, 50);
        }

        /** @return the claim's p99 in nanoseconds */
        long claimP99() {
            return Stats.percentile(claimNanos, RECORDED, 99);
        }

        /** @return the ack's p50 in nanoseconds */
        long ackP50() {
            return Stats.percentile(ackNanos, RECORDED, 50);
        }
    }

    /**
     * Enqueues {@code n} items, {@value #CHUNK} per call.
     *
     * @param payload item {@code i}'s JSON payload
     * @param dedupWindowMs each item's dedup window
     */
    static void fill(QueueEngine engine, String queue, int n, IntFunction<String> payload, long dedupWindowMs) {
        fill(engine, queue, n, payload, dedupWindowMs, 0);
    }

    /**
     * Enqueues {@code n} items, {@value #CHUNK} per call, each visible only after a delay.
     *
     * @param payload item {@code i}'s JSON payload
     * @param dedupWindowMs each item's dedup window
     * @param delayMs each item's delay before its first claim
     */
    static void fill(QueueEngine engine, String queue, int n, IntFunction<String> payload, long dedupWindowMs,
            long delayMs) {
        for (int from = 0; from < n; from += CHUNK) {
            List<NewItem> batch = new ArrayList<>(CHUNK);
            for (int i = from; i < Math.min(n, from + CHUNK); i++) {
                batch.add(new NewItem(payload.apply(i), null, null, delayMs, 0, 5, dedupWindowMs));
            }
            engine.enqueue(queue, batch);
        }
    }

    /** Claims and acks {@link #UNRECORDED} + {@link #RECORDED} items one at a time, recording the last ones. */
    static Samples measure(QueueEngine engine, String queue, long visibilityMs) {
        long[] claims = new long[RECORDED];
        long[] acks = new long[RECORDED];
        for (int i = -UNRECORDED; i < RECORDED; i++) {
            long start = System.nanoTime();
            ClaimedItem item = engine.claim(queue, 1, visibilityMs).get(0);
            long claimed = System.nanoTime();
            engine.ackAll(queue, List.of(item.receipt()));
            if (i >= 0) {
                claims[i] = claimed - start;
                acks[i] = System.nanoTime() - claimed;
            }
        }
        return new Samples(claims, acks);
    }
}

package io.patternkit.bench;

import io.patternkit.sidecar.engine.postgres.PostgresQueueEngine;
import io.patternkit.sidecar.engine.sqlite.SqliteQueueEngine;
import io.patternkit.sidecar.workqueue.Backoff;
import io.patternkit.sidecar.workqueue.QueueEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * How a claim's cost grows with the items ahead of the next claimable one that it may not take (issue 13, target 4):
 * for each engine and each count N, the engine in-process on a fresh queue (SQLite: a fresh file) whose oldest N
 * items are held, either <em>in flight</em> (claimed, their visibility timeout of 5 minutes not lapsed: a fleet of
 * consumers with large prefetches, or slow work), <em>delayed</em> (enqueued with a delay of 5 minutes: scheduled
 * work, or items a nack's backoff put back) or <em>lapsed</em> (claimed, and the visibility timeout of 1 ms passed:
 * consumers gone with their claims, whose items the measured claims then take first), and behind them the ready
 * items the claims take: the claim of one item
 * and its ack, as {@link ClaimCost} measures them (p50 and p99 over 300 claims after 50 unrecorded ones). N = 0 is
 * the baseline; a claim whose cost does not depend on the held items has a growth factor near 1.00x.
 *
 * <p>Options: {@code --out DIR} (fragment {@code claim-past-held.md}), {@code --sizes 0,1000,10000,100000},
 * {@code --held "in flight,delayed,lapsed"},
 * {@code --engines sqlite,postgres} (PostgreSQL when {@code PATTERNKIT_TEST_JDBC_URL} is set).
 */
public final class ClaimPastHeld {
    private static final long HOLD_MS = 300_000;
    private static final int CHUNK = 500;

    private ClaimPastHeld() {
    }

    /**
     * @param argv {@code --name value} options, see the class comment
     * @throws Exception when an engine cannot be opened or a claim finds nothing
     */
    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Path out = Files.createDirectories(args.path("out", "bench/target/results"));
        List<Integer> sizes = args.integers("sizes", "0,1000,10000,100000");
        String jdbcUrl = System.getenv("PATTERNKIT_TEST_JDBC_URL");
        List<String> engines = args.engines();
        Path work = Files.createTempDirectory("patternkit-bench-held-");
        StringBuilder md = new StringBuilder("| engine | held ahead | N | claim(1) p50 µs | p99 µs | ack p50 µs |"
                + " claim p50 growth |\n|---|---|---:|---:|---:|---:|---:|\n");
        for (String engineName : engines) {
            for (String held : args.string("held", "in flight,delayed,lapsed").split(",")) {
                double baseClaim = 0;
                for (int n : sizes) {
                    String queue = "held-" + Long.toString(System.nanoTime(), 36);
                    Path file = work.resolve(engineName + "-" + held.replace(' ', '-') + "-" + n + ".db");
                    Backoff backoff = new Backoff(1000, 300_000);
                    try (QueueEngine engine = engineName.equals("postgres")
                            ? PostgresQueueEngine.open(jdbcUrl, null, backoff)
                            : SqliteQueueEngine.open(file, Clock.systemUTC(), backoff)) {
                        hold(engine, queue, n, held);
                        ClaimCost.fill(engine, queue, ClaimCost.UNRECORDED + ClaimCost.RECORDED, ClaimPastHeld::payload,
                                0);
                        ClaimCost.Samples samples = ClaimCost.measure(engine, queue, HOLD_MS);
                        if (baseClaim == 0) {
                            baseClaim = samples.claimP50();
                        }
                        String row = String.join(" | ", engineName, held, Stats.count(n),
                                Stats.micros(samples.claimP50()), Stats.micros(samples.claimP99()),
                                Stats.micros(samples.ackP50()), Stats.ratio(samples.claimP50() / baseClaim) + "x");
                        md.append("| ").append(row).append(" |\n");
                        System.err.println(row);
                    }
                }
            }
        }
        CorpusJob.deleteRecursively(work);
        Files.writeString(out.resolve("claim-past-held.md"), md.toString(), StandardCharsets.UTF_8);
        System.out.println(md);
    }

    /**
     * Puts {@code n} items at the head of the queue: claimed and not lapsed, delayed, or claimed and lapsed (a fleet
     * of consumers gone with their claims; the claims measured then take these first, each with the rest lapsed).
     */
    private static void hold(QueueEngine engine, String queue, int n, String held) throws InterruptedException {
        if (held.equals("delayed")) {
            ClaimCost.fill(engine, queue, n, ClaimPastHeld::payload, 0, HOLD_MS);
            return;
        }
        ClaimCost.fill(engine, queue, n, ClaimPastHeld::payload, 0);
        if (held.equals("lapsed")) {
            // In one claim: claims in chunks would take the chunks lapsed before them again, up to their last attempt.
            if (n > 0 && engine.claim(queue, n, 1).size() != n) {
                throw new IllegalStateException("claimed fewer than " + n);
            }
            Thread.sleep(10); // a benchmark's set-up: the claim's millisecond has passed
            return;
        }
        for (int claimed = 0; claimed < n; ) {
            int got = engine.claim(queue, Math.min(CHUNK, n - claimed), HOLD_MS).size();
            if (got == 0) {
                throw new IllegalStateException("claimed " + claimed + " of " + n);
            }
            claimed += got;
        }
    }

    private static String payload(int i) {
        return "{\"n\":" + i + ",\"text\":\"an item of a queue with held items\"}";
    }
}

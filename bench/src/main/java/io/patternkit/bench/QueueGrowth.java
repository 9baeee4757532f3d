package io.patternkit.bench;

import io.patternkit.sidecar.engine.postgres.PostgresQueueEngine;
import io.patternkit.sidecar.engine.sqlite.SqliteQueueEngine;
import io.patternkit.sidecar.workqueue.Backoff;
import io.patternkit.sidecar.workqueue.ClaimedItem;
import io.patternkit.sidecar.workqueue.QueueEngine;
import io.patternkit.sidecar.workqueue.Receipt;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * How the queue's cost grows with the work in it (issue 13, target 4): for each engine and each size N, the engine
 * in-process on a fresh queue (SQLite: a fresh file) holding N ready items: the claim of one item and its ack (p50 and
 * p99 over 300 claims after 50 unrecorded ones), then the drain of all N (claim 500, ack the 500, repeat) as items/s,
 * then the queue's statistics (the depth its sidecars refresh every 2 s for their gauges, and {@code GET .../stats})
 * with N ready and again with the N acked and kept for deduplication (p50 over 21 calls), then the storage the N acked rows take, what is left after the purge and how long the purge took (each item enqueued with a dedup window of
 * 0, so the purge takes them all), as what the queue added to the storage it found: SQLite's file plus its
 * write-ahead log, PostgreSQL's {@code pg_total_relation_size} of the items table (shared with other queues, so its
 * figures are the change while this run's queue filled, drained and was purged). Each table row comes with its growth factor against the
 * smallest size: work grows by the size ratio, so a cost whose factor exceeds 1 grows faster than linearly per item.
 *
 * <p>Options: {@code --out DIR} (fragment {@code growth.md}), {@code --sizes 10000,100000,1000000},
 * {@code --engines sqlite,postgres} (PostgreSQL when {@code PATTERNKIT_TEST_JDBC_URL} is set).
 */
public final class QueueGrowth {
    private static final long VISIBILITY_MS = 300_000;
    private static final int CHUNK = 500;

    private QueueGrowth() {
    }

    /**
     * @param argv {@code --name value} options, see the class comment
     * @throws Exception when an engine cannot be opened or a drain loses items
     */
    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Path out = Files.createDirectories(args.path("out", "bench/target/results"));
        List<Integer> sizes = args.integers("sizes", "10000,100000,1000000");
        String jdbcUrl = System.getenv("PATTERNKIT_TEST_JDBC_URL");
        List<String> engines = args.engines();
        Path work = Files.createTempDirectory("patternkit-bench-growth-");
        StringBuilder md = new StringBuilder("| engine | N ready | claim(1) p50 µs | p99 µs | ack p50 µs | stats p50 µs, N ready |"
                + " stats p50 µs, N acked | drain items/s |"
                + " storage added with N acked, MiB | of it the SQLite WAL, MiB | after the purge, MiB | purge ms | claim p50 growth |"
                + " drain time growth |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String engineName : engines) {
            double baseClaim = 0;
            double baseDrainSeconds = 0;
            int baseSize = sizes.get(0);
            for (int n : sizes) {
                String queue = "growth-" + Long.toString(System.nanoTime(), 36);
                Path file = work.resolve(engineName + "-" + n + ".db");
                Backoff backoff = new Backoff(1000, 300_000);
                try (QueueEngine engine = engineName.equals("postgres") ? PostgresQueueEngine.open(jdbcUrl, null, backoff)
                        : SqliteQueueEngine.open(file, Clock.systemUTC(), backoff)) {
                    double empty = storageMiB(engineName, file, jdbcUrl);
                    ClaimCost.fill(engine, queue, n + ClaimCost.UNRECORDED + ClaimCost.RECORDED, QueueGrowth::payload, 0);
                    ClaimCost.Samples samples = ClaimCost.measure(engine, queue, VISIBILITY_MS);
                    double statsReady = statsP50(engine, queue);
                    long drainStart = System.nanoTime();
                    int drained = drain(engine, queue);
                    double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
                    if (drained != n) {
                        throw new IllegalStateException(engineName + ": drained " + drained + " of " + n);
                    }
                    double statsAcked = statsP50(engine, queue);
                    double before = storageMiB(engineName, file, jdbcUrl) - empty;
                    double wal = walMiB(engineName, file);
                    long purgeStart = System.nanoTime();
                    int purged = engine.purgeAcked(300_000, 0);
                    double purgeSeconds = (System.nanoTime() - purgeStart) / 1e9;
                    double after = storageMiB(engineName, file, jdbcUrl) - empty;
                    double claimP50 = samples.claimP50();
                    if (n == baseSize) {
                        baseClaim = claimP50;
                        baseDrainSeconds = drainSeconds;
                    }
                    double sizeRatio = (double) n / baseSize;
                    String row = String.join(" | ", engineName, Stats.count(n), Stats.micros(claimP50),
                            Stats.micros(samples.claimP99()), Stats.micros(samples.ackP50()), Stats.micros(statsReady), Stats.micros(statsAcked),
                            Stats.count(n / drainSeconds),
                            Stats.oneDecimal(before), wal < 0 ? "n/a" : Stats.oneDecimal(wal), Stats.oneDecimal(after),
                            Stats.count(purgeSeconds * 1000), Stats.ratio(claimP50 / baseClaim) + "x",
                            Stats.ratio(drainSeconds / baseDrainSeconds) + "x for " + Stats.ratio(sizeRatio) + "x the items");
                    md.append("| ").append(row).append(" |\n");
                    System.err.println(row + " | purged " + purged);
                }
            }
        }
        CorpusJob.deleteRecursively(work);
        Files.writeString(out.resolve("growth.md"), md.toString(), StandardCharsets.UTF_8);
        System.out.println(md);
    }

    private static String payload(int i) {
        return "{\"n\":" + i + ",\"text\":\"an item of a growing queue\"}";
    }

    /** @return the median time of 21 calls of {@code stats}, in nanoseconds */
    private static double statsP50(QueueEngine engine, String queue) {
        List<Double> nanos = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            long start = System.nanoTime();
            engine.stats(queue);
            nanos.add((double) (System.nanoTime() - start));
        }
        return Stats.median(nanos);
    }

    /** Claims and acks in chunks until the queue is empty; returns how many. */
    private static int drain(QueueEngine engine, String queue) {
        int total = 0;
        while (true) {
            List<ClaimedItem> items = engine.claim(queue, CHUNK, VISIBILITY_MS);
            if (items.isEmpty()) {
                return total;
            }
            List<Receipt> receipts = new ArrayList<>(items.size());
            items.forEach(item -> receipts.add(item.receipt()));
            engine.ackAll(queue, receipts);
            total += items.size();
        }
    }

    /** @return the SQLite write-ahead log's size, or -1 for PostgreSQL */
    private static double walMiB(String engine, Path file) throws java.io.IOException {
        if (!engine.equals("sqlite")) {
            return -1;
        }
        Path wal = file.resolveSibling(file.getFileName() + "-wal");
        return Files.exists(wal) ? Files.size(wal) / 1048576.0 : 0;
    }

    private static double storageMiB(String engine, Path file, String jdbcUrl) throws Exception {
        if (engine.equals("sqlite")) {
            long bytes = Files.size(file);
            Path wal = file.resolveSibling(file.getFileName() + "-wal");
            if (Files.exists(wal)) {
                bytes += Files.size(wal);
            }
            return bytes / 1048576.0;
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_total_relation_size('workqueue_items')")) {
            rs.next();
            return rs.getLong(1) / 1048576.0;
        }
    }
}

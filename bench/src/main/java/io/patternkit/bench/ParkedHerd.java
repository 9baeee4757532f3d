package io.patternkit.bench;

import io.patternkit.core.SidecarConfig;
import io.patternkit.workqueue.Enqueue;
import io.patternkit.workqueue.WorkItem;
import io.patternkit.workqueue.WorkQueue;
import io.patternkit.workqueue.WorkQueueClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * What one enqueued item costs a sidecar that has many claims parked on the queue (issue 13: wake-ups and long-poll
 * re-queries): per engine and count C, one sidecar process (SQLite: a fresh data directory; PostgreSQL: a fresh
 * queue), C consumer threads of one SDK client
 * each looping on {@code claim(1, 60 s, wait 20 s)} and acking what they get, and a producer that enqueues one item
 * at a time and waits until it has been claimed before the next, so that every enqueue finds the other consumers'
 * claims parked. Reports the sidecar's CPU per item (user plus system, from {@code /proc}) and the time from the
 * enqueue's start to the claim's return, p50 and p99, over {@code --items} after {@code --warm} unrecorded ones.
 *
 * <p>Options: {@code --jar sidecar/target/patternkit-sidecar.jar}, {@code --consumers 1,8,32}, {@code --items 2000},
 * {@code --warm 500}, {@code --engines sqlite,postgres} (PostgreSQL when {@code PATTERNKIT_TEST_JDBC_URL} is set),
 * {@code --out DIR} (fragment {@code parked-herd.md}).
 */
public final class ParkedHerd {
    private ParkedHerd() {
    }

    /**
     * @param argv {@code --name value} options, see the class comment
     * @throws Exception when the sidecar does not start or an item is not claimed within a minute
     */
    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Path jar = args.path("jar", "sidecar/target/patternkit-sidecar.jar");
        Path out = Files.createDirectories(args.path("out", "bench/target/results"));
        int items = args.integer("items", 2000);
        int warm = args.integer("warm", 500);
        String jdbcUrl = System.getenv("PATTERNKIT_TEST_JDBC_URL");
        List<String> engines = args.engines();
        StringBuilder md = new StringBuilder("| engine | claims parked | items | sidecar CPU per item, ms | enqueue to claim"
                + " p50 µs | p99 µs |\n|---|---:|---:|---:|---:|---:|\n");
        for (String engine : engines) {
            List<String> engineArgs = engine.equals("postgres")
                    ? List.of("--engine", "postgres", "--jdbc-url", jdbcUrl) : List.of();
            for (int consumers : args.integers("consumers", "1,8,32")) {
                Path data = Files.createTempDirectory("patternkit-bench-herd-");
                try (BenchSidecar sidecar = BenchSidecar.start(jar, List.of(), data, engineArgs);
                        WorkQueueClient client = WorkQueueClient.create(SidecarConfig.builder()
                                .baseUrl(sidecar.baseUrl()).build())) {
                    String queue = "herd-" + Long.toString(System.nanoTime(), 36);
                    Result r = run(client.queue(queue), sidecar.pid(), consumers, warm, items);
                    md.append(String.format("| %s | %d | %d | %.3f | %s | %s |%n", engine, consumers, items,
                            r.cpuMsPerItem, Stats.micros(Stats.percentile(r.latencies, 50)),
                            Stats.micros(Stats.percentile(r.latencies, 99))));
                    System.out.print(md);
                }
            }
        }
        Files.writeString(out.resolve("parked-herd.md"), md.toString());
    }

    private record Result(double cpuMsPerItem, List<Double> latencies) {
    }

    private static Result run(WorkQueue queue, long pid, int consumers, int warm, int items) throws Exception {
        Semaphore claimed = new Semaphore(0);
        ConcurrentLinkedQueue<Long> claimedAt = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < consumers; i++) {
            Thread t = new Thread(() -> consume(queue, claimed, claimedAt), "herd-consumer-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        List<Double> latencies = new ArrayList<>();
        long ticksBefore = 0;
        for (int i = 0; i < warm + items; i++) {
            if (i == warm) {
                ticksBefore = ticks(pid);
            }
            long start = System.nanoTime();
            queue.enqueue(Enqueue.json("{\"n\":" + i + "}"));
            if (!claimed.tryAcquire(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("item " + i + " was not claimed within a minute");
            }
            long end = claimedAt.remove();
            if (i >= warm) {
                latencies.add((double) (end - start));
            }
        }
        long ticks = ticks(pid) - ticksBefore;
        threads.forEach(Thread::interrupt);
        return new Result(ticks * 1000.0 / JobCpu.TICKS_PER_SECOND / items, latencies);
    }

    private static void consume(WorkQueue queue, Semaphore claimed, ConcurrentLinkedQueue<Long> claimedAt) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                for (WorkItem item : queue.claim(1, Duration.ofSeconds(60), Duration.ofSeconds(20))) {
                    claimedAt.add(System.nanoTime());
                    queue.ack(item);
                    claimed.release();
                }
            } catch (RuntimeException e) {
                if (!Thread.currentThread().isInterrupted()) {
                    throw e;
                }
            }
        }
    }

    private static long ticks(long pid) throws java.io.IOException {
        return JobCpu.cpuTicks(Files.readString(Path.of("/proc/" + pid + "/stat")));
    }
}

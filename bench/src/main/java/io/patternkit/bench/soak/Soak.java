package io.patternkit.bench.soak;

import io.patternkit.bench.Args;
import io.patternkit.bench.ProcStatus;
import io.patternkit.core.SidecarConfig;
import io.patternkit.leader.Leadership;
import io.patternkit.lifecycle.CheckpointClient;
import io.patternkit.lifecycle.CheckpointWrite;
import io.patternkit.management.ManagementServer;
import io.patternkit.scatter.Merger;
import io.patternkit.scatter.ScatterClient;
import io.patternkit.scatter.ScatterLeaf;
import io.patternkit.scatter.ScatterOptions;
import io.patternkit.testing.SidecarProcess;
import io.patternkit.workqueue.Enqueue;
import io.patternkit.workqueue.QueueStats;
import io.patternkit.workqueue.WorkQueue;
import io.patternkit.workqueue.WorkQueueClient;
import io.patternkit.workqueue.WorkQueueConsumer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The soak of issue 14: mixed load on every pattern through one long-lived {@code run} sidecar (A) for
 * {@code --minutes} (20; every pattern the sidecar serves on its own: work queue, leader election,
 * scatter/gather, checkpoints), with a second such sidecar (B) on the same SQLite file killed with
 * {@code kill -9} and started again every minute. A is sampled every 30 s: RSS, heap after a full GC, threads and
 * open file descriptors, which must not grow. Load: about 100 items/s enqueued through A and consumed through A
 * and B; two leadership candidates (one through each sidecar) in one election; a scatter every 50 ms to a pool of
 * four leaves served by this JVM; a fenced checkpoint saved every second. At the end the producer stops and every
 * item enqueued must be acked (none lost).
 *
 * <p>Options: {@code --minutes 20}, {@code --out bench/target/results}, {@code --sidecar-jar
 * sidecar/target/patternkit-sidecar.jar}. Writes {@code soak.csv} and {@code soak.md}.
 */
public final class Soak {
    /** The heap's spaces in {@code GC.heap_info} (Serial's two generations, or G1's one heap), not Metaspace. */
    private static final Pattern HEAP_USED = Pattern.compile(
            "(?m)^\\s*(?:def new generation|tenured generation|garbage-first heap)\\s+total \\d+K, used (\\d+)K");

    private Soak() {
    }

    /**
     * Runs the soak.
     *
     * @param argv see the class comment
     * @throws Exception when a sidecar cannot start or the run fails
     */
    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        int minutes = args.integer("minutes", 20);
        Path out = Files.createDirectories(args.path("out", "bench/target/results"));
        Path jar = args.path("sidecar-jar", "sidecar/target/patternkit-sidecar.jar");
        Path data = Files.createTempDirectory("patternkit-soak-");
        List<AutoCloseable> open = new ArrayList<>();
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(4);
        try (SidecarProcess a = SidecarProcess.run().jar(jar).dataDir(data).start();
             PrintStream csv = new PrintStream(Files.newOutputStream(out.resolve("soak.csv")), true, StandardCharsets.UTF_8)) {
            SidecarProcess[] b = {SidecarProcess.run().jar(jar).dataDir(data).start()};
            csv.println("minute,rss_kib,heap_after_gc_kib,threads,fds,enqueued,acked,b_kills");
            SidecarConfig configA = SidecarConfig.builder().baseUrl(a.baseUrl()).callTimeout(Duration.ofSeconds(10)).build();
            WorkQueue queueA = track(open, WorkQueueClient.create(configA)).queue("soak");
            WorkQueue queueB = track(open, WorkQueueClient.create(SidecarConfig.builder().baseUrl(b[0].baseUrl())
                    .callTimeout(Duration.ofSeconds(10)).build())).queue("soak");
            Set<String> processed = ConcurrentHashMap.newKeySet();
            for (WorkQueue q : List.of(queueA, queueB)) {
                track(open, WorkQueueConsumer.builder(q, item -> processed.add(item.id())).concurrency(4).batchSize(16)
                        .visibilityTimeout(Duration.ofSeconds(10)).pollWait(Duration.ofSeconds(1)).build()).start();
            }
            AtomicLong enqueued = new AtomicLong();
            timers.scheduleAtFixedRate(() -> quietly(() -> {
                queueA.enqueueAll(IntStream.range(0, 10).mapToObj(i -> Enqueue.json("{\"n\":" + i + "}")).toList());
                enqueued.addAndGet(10);
            }), 0, 100, TimeUnit.MILLISECONDS);
            for (String[] candidate : List.of(new String[] {"a", a.baseUrl().toString()}, new String[] {"b", b[0].baseUrl().toString()})) {
                track(open, Leadership.builder(SidecarConfig.builder().baseUrl(java.net.URI.create(candidate[1])).build())
                        .election("soak").candidateId("candidate-" + candidate[0]).build().start());
            }
            ManagementServer leaves = track(open, ManagementServer.builder().build().start());
            ScatterClient root = track(open, ScatterClient.create(configA));
            for (int s = 0; s < 4; s++) {
                track(open, ScatterLeaf.builder(root, leaves).pool("soak").shard("s" + s).leafId("leaf-s" + s).path("/leaf/s" + s)
                        .handler(String.class, (q, ctx) -> q.length()).start());
            }
            timers.scheduleAtFixedRate(() -> quietly(() -> root.scatter("soak", "query", Integer.class, Merger.toList(),
                    ScatterOptions.builder().deadline(Duration.ofSeconds(1)).build())), 5, 50, TimeUnit.MILLISECONDS);
            CheckpointClient checkpoints = track(open, CheckpointClient.create(configA));
            timers.scheduleAtFixedRate(() -> quietly(() -> checkpoints.save("soak",
                    CheckpointWrite.json("{\"at\":\"" + Instant.now() + "\"}"))), 1, 1, TimeUnit.SECONDS);

            int kills = 0;
            long start = System.nanoTime();
            List<long[]> samples = new ArrayList<>();
            for (int half = 0; half <= minutes * 2; half++) {
                long due = start + TimeUnit.SECONDS.toNanos(30L * half);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // the soak's own cadence, not synchronisation
                }
                if (half > 0 && half % 2 == 0 && half < minutes * 2) {
                    b[0].kill();
                    b[0] = SidecarProcess.run().jar(jar).dataDir(data).port(b[0].baseUrl().getPort()).start();
                    kills++;
                }
                long[] sample = sample(a.pid(), enqueued.get(), processed.size(), kills);
                samples.add(sample);
                csv.printf(Locale.ROOT, "%.1f,%d,%d,%d,%d,%d,%d,%d%n", half / 2.0, sample[0], sample[1], sample[2], sample[3],
                        sample[4], sample[5], sample[6]);
                System.err.printf(Locale.ROOT, "%.1f min: rss %d KiB, heap after GC %d KiB, %d threads, %d fds; %d enqueued, %d acked, %d kills of B%n",
                        half / 2.0, sample[0], sample[1], sample[2], sample[3], sample[4], sample[5], sample[6]);
            }
            timers.shutdownNow();
            long total = enqueued.get();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            QueueStats stats = queueA.stats();
            // acked counts only the items still kept for deduplication: what was processed is the measure.
            while (System.nanoTime() < deadline && !(processed.size() + stats.dead() >= total
                    && stats.ready() + stats.inFlight() + stats.delayed() == 0)) {
                TimeUnit.SECONDS.sleep(1); // polling the queue's stats until the consumers are done
                stats = queueA.stats();
            }
            Files.writeString(out.resolve("soak.md"), report(minutes, samples, total, stats, processed.size(), kills),
                    StandardCharsets.UTF_8);
            for (int i = open.size() - 1; i >= 0; i--) { // the clients and leaves before the sidecars
                quietly(open.get(i)::close);
            }
            open.clear();
            b[0].close();
        } finally {
            timers.shutdownNow();
            for (int i = open.size() - 1; i >= 0; i--) {
                quietly(open.get(i)::close);
            }
        }
    }

    /** @return rss KiB, heap after GC KiB, threads, fds, then the counters */
    private static long[] sample(long pid, long enqueued, long processed, long kills) throws IOException, InterruptedException {
        ProcStatus status = ProcStatus.of(pid);
        long rss = status.field("VmRSS:");
        long threads = status.field("Threads:");
        long fds;
        try (var list = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            fds = list.count();
        }
        String jcmd = Path.of(ProcessHandle.of(pid).flatMap(p -> p.info().command()).orElse("java")).resolveSibling("jcmd").toString();
        run(jcmd, Long.toString(pid), "GC.run");
        Matcher used = HEAP_USED.matcher(run(jcmd, Long.toString(pid), "GC.heap_info"));
        long heap = 0;
        while (used.find()) {
            heap += Long.parseLong(used.group(1));
        }
        return new long[] {rss, heap, threads, fds, enqueued, processed, kills};
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private static String report(int minutes, List<long[]> samples, long enqueued, QueueStats stats, long processed, int kills) {
        // Growth: the last sample against the one at 2 minutes (after warm-up), and the least-squares slope per hour.
        int from = Math.min(4, samples.size() - 1);
        String[] names = {"RSS (KiB)", "heap after full GC (KiB)", "threads", "open file descriptors"};
        StringBuilder md = new StringBuilder();
        md.append("| measure of sidecar A | at 2 min | at the end | min | max | slope per hour |\n|---|---:|---:|---:|---:|---:|\n");
        for (int m = 0; m < names.length; m++) {
            final int k = m;
            List<long[]> window = samples.subList(from, samples.size());
            long min = window.stream().mapToLong(s -> s[k]).min().orElse(0);
            long max = window.stream().mapToLong(s -> s[k]).max().orElse(0);
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %+.0f |%n", names[m], samples.get(from)[m],
                    samples.get(samples.size() - 1)[m], min, max, slopePerHour(window, m)));
        }
        md.append(String.format(Locale.ROOT, "%nLoad: %d minutes, %d items enqueued, %d distinct items processed, %d dead, "
                + "%d still queued at the end, %d kill -9 of sidecar B; lost: %d.%n", minutes, enqueued, processed, stats.dead(),
                stats.ready() + stats.inFlight() + stats.delayed(), kills, Math.max(0, enqueued - processed - stats.dead())));
        return md.toString();
    }

    private static double slopePerHour(List<long[]> window, int m) {
        int n = window.size();
        if (n < 2) {
            return 0;
        }
        double meanX = (n - 1) / 2.0;
        double meanY = window.stream().mapToLong(s -> s[m]).average().orElse(0);
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            num += (i - meanX) * (window.get(i)[m] - meanY);
            den += (i - meanX) * (i - meanX);
        }
        return num / den * 120; // samples every 30 s: 120 per hour
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> open, T resource) {
        open.add(resource);
        return resource;
    }

    /** Runs a piece of load; a failure (sidecar B down, a timeout) is counted by the SDK's meters, not fatal. */
    private static void quietly(ThrowingRunnable r) {
        try {
            r.run();
        } catch (Exception e) {
            // the load goes on; what matters is measured at the end
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}

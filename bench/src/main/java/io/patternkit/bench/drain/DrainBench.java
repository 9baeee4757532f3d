package io.patternkit.bench.drain;

import io.patternkit.bench.Args;
import io.patternkit.bench.Stats;
import io.patternkit.core.SidecarConfig;
import io.patternkit.testing.AppProcess;
import io.patternkit.testing.SidecarProcess;
import io.patternkit.workqueue.Enqueue;
import io.patternkit.workqueue.WorkQueue;
import io.patternkit.workqueue.WorkQueueClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/**
 * The worker drain, measured: a worker (concurrency 4, handlers of 50 ms) and its work-queue sidecar get
 * SIGTERM at the same moment, as Kubernetes stops a pod; once both have exited, a second sidecar on the
 * same engine reads how many items are left in flight (each waits out its visibility timeout) and how
 * long until every item is claimable again. Two cases, interleaved round by round: the consumer joined
 * to its {@code Lifecycle} (drain), and the same consumer without it (the JVM's default SIGTERM).
 *
 * <p>Writes {@code drain.md} (the section's table) into {@code --out}. Options: {@code --out},
 * {@code --sidecar-jar}, {@code --rounds} (5), {@code --items} (400), {@code --concurrency} (4),
 * {@code --handler-ms} (50), {@code --visibility-s} (10).
 */
public final class DrainBench {
    private DrainBench() {
    }

    private record Outcome(double exitMs, double drainMs, long completed, long released, long stranded,
            long inFlightAfter, double recoveredMs) {
    }

    /**
     * @param argv see the class documentation
     * @throws Exception when a process cannot be run
     */
    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Path out = args.path("out", "bench/target/run/results");
        Path jar = args.path("sidecar-jar", "sidecar/target/patternkit-sidecar.jar");
        int rounds = args.integer("rounds", 5);
        int items = args.integer("items", 400);
        int concurrency = args.integer("concurrency", 4);
        int handlerMs = args.integer("handler-ms", 50);
        Duration visibility = Duration.ofSeconds(args.integer("visibility-s", 10));
        Map<String, List<Outcome>> results = new LinkedHashMap<>();
        results.put("drain", new ArrayList<>());
        results.put("no-drain", new ArrayList<>());
        for (int round = 0; round < rounds; round++) {
            for (String mode : results.keySet()) {
                Outcome o = once(jar, mode, items, concurrency, handlerMs, visibility, round);
                System.err.printf("round %d %s: %s%n", round, mode, o);
                results.get(mode).add(o);
            }
        }
        Files.createDirectories(out);
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve("drain.md"), StandardCharsets.UTF_8))) {
            w.printf("| case | SIGTERM to worker exit, ms | drain took, ms | completed | released | stranded "
                    + "| left in flight after exit | until every item is claimable again, ms |%n");
            w.printf("|---|---|---|---|---|---|---|---|%n");
            for (Map.Entry<String, List<Outcome>> e : results.entrySet()) {
                List<Outcome> os = e.getValue();
                w.printf("| %s | %s | %s | %s | %s | %s | %s | %s |%n", e.getKey(),
                        cell(os.stream().map(Outcome::exitMs).toList()),
                        e.getKey().equals("drain") ? cell(os.stream().map(Outcome::drainMs).toList()) : "-",
                        median(os, Outcome::completed), median(os, Outcome::released), median(os, Outcome::stranded),
                        median(os, Outcome::inFlightAfter), cell(os.stream().map(Outcome::recoveredMs).toList()));
            }
            w.printf("%nMedians over %d rounds (min to max); %d items, concurrency %d, handlers of %d ms, visibility "
                    + "timeout %d s.%n", rounds, items, concurrency, handlerMs, visibility.toSeconds());
        }
    }

    private static String cell(List<Double> values) {
        return Stats.oneDecimal(Stats.median(values)) + " (" + Stats.oneDecimal(Stats.min(values)) + " to "
                + Stats.oneDecimal(Stats.max(values)) + ")";
    }

    private static String median(List<Outcome> os, java.util.function.ToLongFunction<Outcome> f) {
        return Stats.count(Stats.median(os.stream().map(o -> (double) f.applyAsLong(o)).toList()));
    }

    private static Outcome once(Path jar, String mode, int items, int concurrency, int handlerMs, Duration visibility,
            int round) throws Exception {
        Path data = Files.createTempDirectory("patternkit-drain-bench-");
        String queue = "drain-" + mode + "-" + round;
        try (SidecarProcess observer = SidecarProcess.workqueue().jar(jar).dataDir(data).build().start();
                WorkQueueClient client = WorkQueueClient.create(SidecarConfig.builder().baseUrl(observer.baseUrl()).build())) {
            SidecarProcess sidecar = SidecarProcess.workqueue().jar(jar).dataDir(data)
                    .appDrainTimeout(Duration.ofSeconds(25)).build().start();
            WorkQueue q = client.queue(queue);
            q.enqueueAll(IntStream.range(0, items).mapToObj(i -> Enqueue.json(Integer.toString(i))).toList());
            AppProcess.Events events = new AppProcess.Events();
            AppProcess worker = AppProcess.start("worker", AppProcess.javaMain(List.of(), DrainWorker.class,
                    List.of(sidecar.baseUrl().toString(), queue, Integer.toString(concurrency), Integer.toString(handlerMs),
                            visibility.toString(), mode)), Map.of(), Files.createTempFile("drain-worker-", ".log"), events);
            try {
                while (q.stats().acked() < items / 5) {
                    Thread.sleep(50); // the cadence of reading the worker's progress
                }
                long t0 = System.nanoTime();
                CompletableFuture<Integer> sidecarExit = CompletableFuture.supplyAsync(() -> sidecar.terminate(Duration.ofSeconds(60)));
                worker.terminate(Duration.ofSeconds(60));
                double exitMs = (System.nanoTime() - t0) / 1e6;
                sidecarExit.join();
                long inFlight = q.stats().inFlight();
                while (q.stats().inFlight() > 0 && System.nanoTime() - t0 < visibility.plusSeconds(30).toNanos()) {
                    Thread.sleep(20); // measuring when the items come back, not synchronisation
                }
                double recoveredMs = inFlight == 0 ? 0 : (System.nanoTime() - t0) / 1e6;
                AppProcess.Event d = events.matching(e -> e.is("DRAINED")).stream().findFirst().orElse(null);
                return new Outcome(exitMs, d == null ? 0 : d.number("tookMs"), d == null ? 0 : d.number("completed"),
                        d == null ? 0 : d.number("released"), d == null ? 0 : d.number("stranded"), inFlight, recoveredMs);
            } finally {
                if (worker.isAlive()) {
                    worker.kill();
                }
                sidecar.close();
            }
        } finally {
            deleteQuietly(data);
        }
    }

    private static void deleteQuietly(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}

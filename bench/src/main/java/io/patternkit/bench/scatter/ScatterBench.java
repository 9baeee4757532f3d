package io.patternkit.bench.scatter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.patternkit.bench.Args;
import io.patternkit.bench.BenchSidecar;
import io.patternkit.bench.Stats;
import io.patternkit.bench.scatter.ScatterResults.OverheadRow;
import io.patternkit.bench.scatter.ScatterResults.Setup;
import io.patternkit.bench.scatter.ScatterResults.TailRow;
import io.patternkit.bench.scatter.ScatterResults.TailRun;
import io.patternkit.scatter.GatherResult;
import io.patternkit.scatter.Hedging;
import io.patternkit.scatter.ScatterOptions;
import io.patternkit.testing.AppProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The scatter/gather benchmark, in one run: three processes (this harness, the root sidecar started as a
 * user starts it, and one {@link LeafHost} JVM with every leaf), then
 *
 * <ol>
 *   <li><b>Fan-out overhead</b> at each leaf count: {@link SdkFanOut}, {@link RootHttpFanOut} and the two
 *       {@link DirectFanOut}s over the same leaves (pools {@code fan-N}, one replica per shard), calls
 *       interleaved one by one (the order rotates every iteration), hedging off. Overhead = end-to-end
 *       latency minus the slowest leaf's own service time (from its answer).</li>
 *   <li><b>Tail latency with stragglers</b>: the SDK against five pools of {@code tailShards} shards x
 *       {@code replicas}, with and without injected stragglers, with hedging off and on (up to the root's
 *       default of two hedges per shard, and one), interleaved call by call; each variant has its own pool, so
 *       the root's latency window and hedge budget are its own. Run {@code tail-runs} times, each in a fresh
 *       root sidecar and leaf process.</li>
 * </ol>
 *
 * <p>Options (defaults in brackets): {@code --out DIR}, {@code --sidecar-jar}, {@code --rounds [5]},
 * {@code --warmup [100]}, {@code --fan-iterations [250]}, {@code --leaf-counts [4,16,64,256]},
 * {@code --delay-us [1000]}, {@code --tail-iterations [1000]}, {@code --tail-shards [16]},
 * {@code --replicas [2]}, {@code --straggler-percent [1]}, {@code --straggler-factor [50]},
 * {@code --hedge-percentile [95]}, {@code --hedge-min-delay-ms [1]}, {@code --hedge-max-delay-ms [1000]},
 * {@code --max-extra-load [5]} (the hedging defaults are the root's), {@code --tail-runs [3]},
 * {@code --tail-warmup-seconds [40]} (the tail part warms at least this long: the root's latency and budget
 * windows), {@code --worker-threads [4]},
 * {@code --root-jvm-flags} (such as a JFR recording, space-separated), {@code --commit}, and
 * {@code --report-only true} (rewrite {@code scatter.md} from {@code scatter.json}).
 */
public final class ScatterBench {
    static final String CLEAN = "tail-clean";
    static final String CLEAN_HEDGED = "tail-clean-hedged";
    static final String SLOW = "tail-slow";
    static final String SLOW_HEDGED = "tail-slow-hedged";
    static final String SLOW_HEDGED_ONCE = "tail-slow-hedged-once";
    /** The root's default {@code hedging.maxHedges}. */
    static final int DEFAULT_MAX_HEDGES = 2;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ScatterBench() {
    }

    /**
     * Runs the benchmark and writes {@code scatter.json}, {@code scatter.md} and {@code targets-scatter.md}
     * into {@code --out}.
     *
     * @param argv {@code --name value} options, see the class comment
     * @throws Exception when a process cannot be started or a call fails
     */
    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Path out = Files.createDirectories(args.path("out", "bench/target/results"));
        if (Boolean.parseBoolean(args.string("report-only", "false"))) {
            ScatterReport.write(out, MAPPER.readValue(out.resolve("scatter.json").toFile(), ScatterResults.class));
            return;
        }
        ScatterResults results = new ScatterBench().run(args, out);
        Files.writeString(out.resolve("scatter.json"), MAPPER.writeValueAsString(results), StandardCharsets.UTF_8);
        ScatterReport.write(out, results);
    }

    private ScatterResults run(Args args, Path out) throws Exception {
        long t0 = System.nanoTime();
        String started = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String loadBefore = loadAverage();
        int rounds = args.integer("rounds", 5);
        int warmup = args.integer("warmup", 100);
        int fanIterations = args.integer("fan-iterations", 250);
        List<Integer> leafCounts = args.integers("leaf-counts", "4,16,64,256");
        long delayMicros = args.integer("delay-us", 1000);
        int tailIterations = args.integer("tail-iterations", 1000);
        int tailShards = args.integer("tail-shards", 16);
        int replicas = args.integer("replicas", 2);
        double stragglerPercent = Double.parseDouble(args.string("straggler-percent", "1"));
        int stragglerFactor = args.integer("straggler-factor", 50);
        double hedgePercentile = Double.parseDouble(args.string("hedge-percentile", "95"));
        long hedgeMin = args.integer("hedge-min-delay-ms", 1);
        long hedgeMax = args.integer("hedge-max-delay-ms", 1000);
        double maxExtraLoad = Double.parseDouble(args.string("max-extra-load", "5"));
        int workerThreads = args.integer("worker-threads", 4);
        long tailDeadlineMs = 1000;
        Path sidecarJar = args.path("sidecar-jar", "sidecar/target/patternkit-sidecar.jar");
        int tailRunCount = args.integer("tail-runs", 3);
        int tailWarmupSeconds = args.integer("tail-warmup-seconds", 40);
        int servers = Math.max(leafCounts.stream().mapToInt(Integer::intValue).max().orElse(1), tailShards * replicas);

        List<String> rootFlags = args.string("root-jvm-flags", "").isBlank() ? List.of()
                : List.of(args.string("root-jvm-flags", "").trim().split("\\s+"));
        List<OverheadRow> overhead = overheadPart(out, sidecarJar, rootFlags, leafCounts, workerThreads, delayMicros,
                rounds, warmup, fanIterations);

        ScatterOptions base = ScatterOptions.builder().deadline(Duration.ofMillis(tailDeadlineMs)).build();
        Hedging hedging = Hedging.enabled().withDelayPercentile(hedgePercentile)
                .withDelayBounds(Duration.ofMillis(hedgeMin), Duration.ofMillis(hedgeMax))
                .withMaxExtraLoadPercent(maxExtraLoad);
        ScatterOptions hedged = base.toBuilder().hedging(hedging).build();
        ScatterOptions hedgedOnce = base.toBuilder().hedging(hedging.withMaxHedges(1)).build();
        ScatterOptions unhedged = base.toBuilder().hedging(Hedging.disabled()).build();
        LeafWork clean = new LeafWork(delayMicros, 0, 1);
        LeafWork slow = new LeafWork(delayMicros, stragglerPercent, stragglerFactor);
        List<TailVariant> variants = List.of(
                new TailVariant("no stragglers, hedging off (baseline)", CLEAN, clean, unhedged, false, 0),
                new TailVariant("no stragglers, hedging on", CLEAN_HEDGED, clean, hedged, false, DEFAULT_MAX_HEDGES),
                new TailVariant("stragglers, hedging off", SLOW, slow, unhedged, true, 0),
                new TailVariant("stragglers, hedging on", SLOW_HEDGED, slow, hedged, true, DEFAULT_MAX_HEDGES),
                new TailVariant("stragglers, hedging on, one hedge per shard", SLOW_HEDGED_ONCE, slow, hedgedOnce,
                        true, 1));
        List<TailRun> tailRuns = new ArrayList<>();
        for (int run = 1; run <= tailRunCount; run++) {
            System.err.printf("tail run %d of %d%n", run, tailRunCount);
            tailRuns.add(tailPart(out, run, sidecarJar, rootFlags, variants, tailShards, replicas, workerThreads,
                    rounds, warmup, Duration.ofSeconds(tailWarmupSeconds), tailIterations));
        }
        Setup setup = new Setup(started, args.string("commit", "unknown"), Runtime.getRuntime().availableProcessors(),
                cpuModel(), System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version"), loadBefore, loadAverage(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0), rounds, warmup, fanIterations, tailIterations,
                delayMicros, servers, workerThreads, tailShards, replicas, stragglerPercent, stragglerFactor,
                hedgePercentile, hedgeMin, hedgeMax, maxExtraLoad, tailDeadlineMs, tailWarmupSeconds);
        return new ScatterResults(setup, overhead, tailRuns);
    }

    /** Part 1 in its own root sidecar and leaf process. */
    private static List<OverheadRow> overheadPart(Path out, Path sidecarJar, List<String> rootFlags,
            List<Integer> leafCounts, int workerThreads, long delayMicros, int rounds, int warmup, int fanIterations)
            throws Exception {
        int servers = leafCounts.stream().mapToInt(Integer::intValue).max().orElse(1);
        List<String> pools = leafCounts.stream().map(k -> "fan-" + k + "=" + k + "x1").toList();
        try (BenchSidecar root = BenchSidecar.start(sidecarJar, "scatter", rootFlags, List.of(),
                out.resolve("scatter-root.log"));
                LeafProcess leaves = LeafProcess.start(root.baseUrl(), servers, workerThreads, String.join(",", pools),
                        out.resolve("scatter-leaves.log"))) {
            System.err.printf("root sidecar pid %d at %s; leaf process pid %d: %d leaves on %d servers%n", root.pid(),
                    root.baseUrl(), leaves.pid(), leaves.count(), servers);
            Map<String, List<LeafTarget>> targets = new LinkedHashMap<>();
            for (int k : leafCounts) {
                targets.put("fan-" + k, listLeaves(root.baseUrl(), "fan-" + k));
            }
            return overhead(root.baseUrl(), targets, leafCounts, new LeafWork(delayMicros, 0, 1), rounds, warmup,
                    fanIterations);
        }
    }

    /** One run of part 2, in a fresh root sidecar and leaf process, so that runs share no JIT, window or budget. */
    private static TailRun tailPart(Path out, int run, Path sidecarJar, List<String> rootFlags,
            List<TailVariant> variants, int tailShards, int replicas, int workerThreads, int rounds, int warmup,
            Duration warmupTime, int tailIterations) throws Exception {
        String loadBefore = loadAverage();
        List<String> pools = variants.stream().map(v -> v.pool() + "=" + tailShards + "x" + replicas).toList();
        try (BenchSidecar root = BenchSidecar.start(sidecarJar, "scatter", rootFlags, List.of(),
                out.resolve("scatter-tail-" + run + "-root.log"));
                LeafProcess leaves = LeafProcess.start(root.baseUrl(), tailShards * replicas, workerThreads,
                        String.join(",", pools), out.resolve("scatter-tail-" + run + "-leaves.log"));
                SdkFanOut sdk = new SdkFanOut(root.baseUrl(), SdkFanOut.plain())) {
            System.err.printf("root sidecar pid %d at %s; leaf process pid %d: %d leaves%n", root.pid(), root.baseUrl(),
                    leaves.pid(), leaves.count());
            for (TailVariant v : variants) {
                prime(root.baseUrl(), v.pool(), v.work());
            }
            // Warm until the root's latency window (30 s) and hedge budget window (10 s) hold warm calls only, so the
            // measured rounds hedge after the delay of a warm pool, not one set by the JIT's first calls.
            long warmUntil = System.nanoTime() + warmupTime.toNanos();
            for (int i = 0; i < warmup || System.nanoTime() < warmUntil; i++) {
                for (TailVariant v : variants) {
                    sdk.scatter(v.pool(), v.work(), v.options());
                }
            }
            Map<String, Map<String, Double>> before = hedgeMetrics(root.baseUrl());
            List<TailRow> rows = tail(sdk, variants, tailShards, rounds, tailIterations);
            return new TailRun(run, loadBefore, loadAverage(), rows, difference(hedgeMetrics(root.baseUrl()), before));
        }
    }

    // ---- part 1: fan-out overhead ----

    private static List<OverheadRow> overhead(URI root, Map<String, List<LeafTarget>> targets, List<Integer> leafCounts,
            LeafWork work, int rounds, int warmup, int iterations) {
        List<FanOut> fanOuts = List.of(new SdkFanOut(root, SdkFanOut.plain()), new RootHttpFanOut(root),
                DirectFanOut.okHttp(targets), DirectFanOut.jdk(targets));
        int n = fanOuts.size();
        try {
            // [leaf count][fan-out][round] -> p50/p99 values in µs
            double[][][][] stats = new double[leafCounts.size()][n][rounds][5];
            long[][] e2e = new long[n][iterations];
            long[][] over = new long[n][iterations];
            long[][] service = new long[n][iterations];
            for (int c = 0; c < leafCounts.size(); c++) {
                String pool = "fan-" + leafCounts.get(c);
                System.err.printf("fan-out warm-up, %s%n", pool);
                prime(root, pool, work);
                measure(fanOuts, pool, work, warmup, e2e, over, service);
            }
            for (int round = 0; round < rounds; round++) {
                for (int j = 0; j < leafCounts.size(); j++) {
                    int c = (round + j) % leafCounts.size();
                    String pool = "fan-" + leafCounts.get(c);
                    measure(fanOuts, pool, work, iterations, e2e, over, service);
                    StringBuilder line = new StringBuilder("round " + round + " " + pool + ":");
                    for (int f = 0; f < n; f++) {
                        double[] s = stats[c][f][round];
                        s[0] = micros(Stats.percentile(e2e[f], iterations, 50));
                        s[1] = micros(Stats.percentile(e2e[f], iterations, 99));
                        s[2] = micros(Stats.percentile(over[f], iterations, 50));
                        s[3] = micros(Stats.percentile(over[f], iterations, 99));
                        s[4] = micros(Stats.percentile(service[f], iterations, 50));
                        line.append(String.format(Locale.ROOT, " [%d] e2e %.0f/%.0f over %.0f/%.0f µs;", f, s[0], s[1],
                                s[2], s[3]));
                    }
                    System.err.println(line);
                }
            }
            List<OverheadRow> rows = new ArrayList<>();
            for (int c = 0; c < leafCounts.size(); c++) {
                for (int f = 0; f < n; f++) {
                    rows.add(new OverheadRow(leafCounts.get(c), fanOuts.get(f).name(), column(stats[c][f], 0),
                            column(stats[c][f], 1), column(stats[c][f], 2), column(stats[c][f], 3),
                            column(stats[c][f], 4)));
                }
            }
            return rows;
        } finally {
            fanOuts.forEach(FanOut::close);
        }
    }

    /**
     * A first scatter with a 30 s deadline, so that the leaves' first calls (class loading, JIT, new
     * connections, all on shared cores) cannot time out the warm-up.
     */
    static void prime(URI root, String pool, LeafWork work) {
        try (SdkFanOut sdk = new SdkFanOut(root, SdkFanOut.plain())) {
            long start = System.nanoTime();
            sdk.scatter(pool, work, SdkFanOut.plain().toBuilder().deadline(Duration.ofSeconds(30)).build()).value();
            System.err.printf("first scatter to %s: %d ms%n", pool, (System.nanoTime() - start) / 1_000_000);
        }
    }

    private static void measure(List<FanOut> fanOuts, String pool, LeafWork work, int iterations, long[][] e2e,
            long[][] over, long[][] service) {
        int n = fanOuts.size();
        for (int i = 0; i < iterations; i++) {
            for (int j = 0; j < n; j++) {
                int f = (i + j) % n;
                long start = System.nanoTime();
                long slowest = fanOuts.get(f).call(pool, work);
                long elapsed = System.nanoTime() - start;
                if (i < e2e[f].length) {
                    e2e[f][i] = elapsed;
                    over[f][i] = elapsed - slowest;
                    service[f][i] = slowest;
                }
            }
        }
    }

    // ---- part 2: tail latency with stragglers ----

    /** One variant of part 2; {@code maxHedges} 0 for hedging off. */
    private record TailVariant(String name, String pool, LeafWork work, ScatterOptions options, boolean stragglers,
                               int maxHedges) {
    }

    private static List<TailRow> tail(SdkFanOut sdk, List<TailVariant> variants, int shards, int rounds,
            int iterations) {
        int n = variants.size();
        long[][] all = new long[n][rounds * iterations];
        long[][] round = new long[n][iterations];
        double[][][] perRound = new double[n][rounds][3];
        long[][] counts = new long[n][7]; // incomplete, leafRequests, hedged, won, cancelled, straggled, calls
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < iterations; i++) {
                for (int j = 0; j < n; j++) {
                    int v = (i + j) % n;
                    TailVariant variant = variants.get(v);
                    long start = System.nanoTime();
                    GatherResult<List<LeafPart>> result = sdk.scatter(variant.pool(), variant.work(), variant.options());
                    long elapsed = System.nanoTime() - start;
                    round[v][i] = elapsed;
                    all[v][r * iterations + i] = elapsed;
                    long[] c = counts[v];
                    if (!result.isComplete()) {
                        c[0]++;
                    }
                    c[1] += result.stats().leafRequests();
                    c[2] += result.stats().hedgedRequests();
                    c[3] += result.stats().hedgesWon();
                    c[4] += result.stats().cancelledRequests();
                    c[5] += result.partialValue().stream().filter(LeafPart::straggled).count();
                    c[6]++;
                }
            }
            StringBuilder line = new StringBuilder("tail round " + r + ":");
            for (int v = 0; v < n; v++) {
                perRound[v][r][0] = micros(Stats.percentile(round[v], iterations, 50));
                perRound[v][r][1] = micros(Stats.percentile(round[v], iterations, 99));
                perRound[v][r][2] = micros(Stats.percentile(round[v], iterations, 99.9));
                line.append(String.format(Locale.ROOT, " [%d] p50 %.0f p99 %.0f p99.9 %.0f µs;", v, perRound[v][r][0],
                        perRound[v][r][1], perRound[v][r][2]));
            }
            System.err.println(line);
        }
        List<TailRow> rows = new ArrayList<>();
        for (int v = 0; v < n; v++) {
            TailVariant variant = variants.get(v);
            int total = rounds * iterations;
            long[] c = counts[v];
            rows.add(new TailRow(variant.name(), variant.pool(), variant.stragglers(), variant.maxHedges(),
                    column(perRound[v], 0), column(perRound[v], 1), column(perRound[v], 2),
                    micros(Stats.percentile(all[v], total, 50)), micros(Stats.percentile(all[v], total, 99)),
                    micros(Stats.percentile(all[v], total, 99.9)), c[6], c[0], c[6] * shards, c[1], c[2], c[3], c[4],
                    c[5]));
        }
        return rows;
    }

    // ---- the root's own counters ----

    private static Map<String, Map<String, Double>> hedgeMetrics(URI root) {
        Map<String, Map<String, Double>> byPool = new LinkedHashMap<>();
        OkHttpClient client = new OkHttpClient();
        try (Response response = client.newCall(new Request.Builder().url(root + "/metrics").build()).execute()) {
            for (String line : response.body().string().split("\n")) {
                String name = line.startsWith("patternkit_scatter_leaf_requests_total{") ? "leafRequests"
                        : line.startsWith("patternkit_scatter_hedges_total{") ? "hedges"
                        : line.startsWith("patternkit_scatter_cancellations_total{") ? "cancellations" : null;
                if (name == null) {
                    continue;
                }
                String labels = line.substring(line.indexOf('{') + 1, line.indexOf('}'));
                String pool = label(labels, "pool");
                String kind = label(labels, name.equals("hedges") ? "result" : "kind");
                double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                byPool.computeIfAbsent(pool, p -> new LinkedHashMap<>())
                        .put(name + (kind == null ? "" : "." + kind), value);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
        return byPool;
    }

    private static String label(String labels, String name) {
        for (String pair : labels.split(",")) {
            String[] kv = pair.split("=", 2);
            if (kv.length == 2 && kv[0].trim().equals(name)) {
                return kv[1].replace("\"", "");
            }
        }
        return null;
    }

    private static Map<String, Map<String, Double>> difference(Map<String, Map<String, Double>> after,
            Map<String, Map<String, Double>> before) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        after.forEach((pool, values) -> {
            if (!pool.startsWith("tail-")) {
                return;
            }
            Map<String, Double> d = new LinkedHashMap<>();
            values.forEach((k, v) -> d.put(k, v - before.getOrDefault(pool, Map.of()).getOrDefault(k, 0.0)));
            out.put(pool, d);
        });
        return out;
    }

    // ---- helpers ----

    private static List<LeafTarget> listLeaves(URI root, String pool) throws IOException {
        OkHttpClient client = new OkHttpClient();
        try (Response response = client.newCall(new Request.Builder().url(root + "/v1/pools/" + pool + "/leaves").build())
                .execute()) {
            JsonNode body = MAPPER.readTree(response.body().bytes());
            List<LeafTarget> out = new ArrayList<>();
            for (JsonNode shard : body.get("shards")) {
                out.add(new LeafTarget(shard.get("shard").asText(),
                        URI.create(shard.get("replicas").get(0).get("url").asText())));
            }
            return out;
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    private static List<Double> column(double[][] rows, int index) {
        List<Double> out = new ArrayList<>(rows.length);
        for (double[] row : rows) {
            out.add(row[index]);
        }
        return out;
    }

    private static double micros(long nanos) {
        return nanos / 1000.0;
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "n/a";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("n/a");
        } catch (IOException e) {
            return "n/a";
        }
    }

    /** The {@link LeafHost} JVM, an {@link AppProcess} started with this harness's class path. */
    private record LeafProcess(AppProcess app, int count) implements AutoCloseable {
        static LeafProcess start(URI root, int servers, int workerThreads, String pools, Path log) throws Exception {
            AppProcess.Events events = new AppProcess.Events();
            AppProcess app = AppProcess.start("leaves", AppProcess.javaMain(List.of(), LeafHost.class, List.of("--root",
                    root.toString(), "--servers", Integer.toString(servers), "--worker-threads",
                    Integer.toString(workerThreads), "--pools", pools)), Map.of(), log, events);
            try {
                AppProcess.Event ready = events.awaitAfter(0, e -> e.is("READY") || e.is(AppProcess.EXITED),
                        Duration.ofSeconds(120)).filter(e -> e.is("READY"))
                        .orElseThrow(() -> new IllegalStateException("the leaf process did not get ready; see " + log));
                return new LeafProcess(app, (int) ready.number("leaves"));
            } catch (RuntimeException | InterruptedException e) {
                app.kill();
                throw e;
            }
        }

        long pid() {
            return app.pid();
        }

        /** Asks the leaves to deregister and exit ({@code quit}); kills them after 20 s. */
        @Override
        public void close() {
            app.quit(Duration.ofSeconds(20));
        }
    }
}

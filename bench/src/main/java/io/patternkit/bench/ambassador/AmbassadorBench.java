package io.patternkit.bench.ambassador;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.patternkit.bench.Args;
import io.patternkit.bench.BenchSidecar;
import io.patternkit.bench.Stats;
import io.patternkit.testing.AppProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The ambassador's cost and its tail rescue, each next to its comparison in the same run:
 * <ol>
 *   <li><b>overhead per request</b>: one client, a bare OkHttp GET to a replica directly and the
 *       same GET through the ambassador's loopback port, interleaved call by call, several rounds
 *       after a warm-up; p50, p90, p99 per round (nearest rank), medians over rounds;</li>
 *   <li><b>throughput at 16 concurrent clients</b>: 16 threads calling for a fixed time, directly
 *       (round-robin over the two replicas) and through the ambassador, alternating by round;</li>
 *   <li><b>the tail with stragglers</b>: two replicas of which 1% of calls are 20 ms late, through
 *       an upstream without hedging and one with hedging (p95 delay, 5% extra load), interleaved;
 *       p50, p99, p99.9, hedges sent, against the straggler-free upstream's.</li>
 * </ol>
 * The replicas are {@link EchoUpstream} servers in one process of their own; the ambassador is
 * {@code patternkit-sidecar run --patterns ambassador} started as a user starts it.
 *
 * <p>Options: {@code --out DIR} (fragment {@code ambassador.md}), {@code --rounds 5},
 * {@code --iterations 3000}, {@code --warmup 4000}, {@code --clients 16}, {@code --throughput-seconds 5},
 * {@code --tail-iterations 5000}, {@code --sidecar-jar}, {@code --hedge-budget 5} (the hedged upstream's
 * {@code maxExtraLoadPercent}), {@code --parts overhead,throughput,tail} (which parts to run; the fragment holds those).
 */
public final class AmbassadorBench {
    private static final int DIRECT = 0;
    private static final int AMBASSADOR = 1;
    private final OkHttpClient http;
    private final String[] replicas;

    private AmbassadorBench(OkHttpClient http, String[] replicas) {
        this.http = http;
        this.replicas = replicas;
    }

    /**
     * Runs the benchmark and writes {@code ambassador.md} into {@code --out}.
     *
     * @param argv {@code --name value} options, see the class comment
     * @throws Exception when a process cannot be started or a call fails
     */
    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Path out = Files.createDirectories(args.path("out", "bench/target/results"));
        Path jar = args.path("sidecar-jar", "sidecar/target/patternkit-sidecar.jar");
        int rounds = args.integer("rounds", 5);
        Path work = Files.createTempDirectory("patternkit-bench-ambassador-");
        AppProcess.Events events = new AppProcess.Events();
        Path upstreamLog = work.resolve("upstream.log");
        try (AppProcess upstream = AppProcess.start("upstream", AppProcess.javaMain(List.of(), EchoUpstream.class,
                List.of("--servers", "4", "--straggling", "2")), Map.of(), upstreamLog, events)) {
            String[] ports = events.awaitAfter(0, e -> e.is("READY") || e.is(AppProcess.EXITED), Duration.ofSeconds(60))
                    .flatMap(e -> e.field("ports"))
                    .orElseThrow(() -> new IllegalStateException("the upstream process did not start; see " + upstreamLog))
                    .split(",");
            System.err.printf("upstream process pid %d: replicas on ports %s%n", upstream.pid(), String.join(",", ports));
            String[] fast = {"http://127.0.0.1:" + ports[0], "http://127.0.0.1:" + ports[1]};
            String[] slow = {"http://127.0.0.1:" + ports[2], "http://127.0.0.1:" + ports[3]};
            int plain = freePort();
            int tailPlain = freePort();
            int tailHedged = freePort();
            Path config = work.resolve("ambassador.json");
            double hedgeBudget = Double.parseDouble(args.string("hedge-budget", "5"));
            Map<String, Object> hedging = Map.of("percentile", 95, "minDelay", "1ms", "maxDelay", "50ms", "maxExtraLoadPercent", hedgeBudget);
            List<String> parts = List.of(args.string("parts", "overhead,throughput,tail").split(","));
            new ObjectMapper().writeValue(config.toFile(), Map.of("upstreams", List.of(
                    upstream("plain", plain, fast, null), upstream("tail-plain", tailPlain, slow, null),
                    upstream("tail-hedged", tailHedged, slow, hedging))));
            try (BenchSidecar sidecar = BenchSidecar.start(jar, "run", List.of(), List.of("--patterns", "ambassador",
                    "--data", work.toString(), "--ambassador-config", config.toString()), work.resolve("sidecar.log"))) {
                OkHttpClient http = new OkHttpClient.Builder().connectionPool(new ConnectionPool(64, 5, TimeUnit.MINUTES))
                        .dispatcher(dispatcher(64)).build();
                AmbassadorBench bench = new AmbassadorBench(http, fast);
                StringBuilder md = new StringBuilder();
                if (parts.contains("overhead")) {
                    md.append(bench.overhead("http://127.0.0.1:" + plain, rounds, args.integer("iterations", 3000),
                            args.integer("warmup", 4000)));
                }
                if (parts.contains("throughput")) {
                    md.append(bench.throughput("http://127.0.0.1:" + plain, rounds, args.integer("clients", 16),
                            args.integer("throughput-seconds", 5)));
                }
                if (parts.contains("tail")) {
                    md.append(bench.tail(sidecar, "http://127.0.0.1:" + plain, "http://127.0.0.1:" + tailPlain,
                            "http://127.0.0.1:" + tailHedged, rounds, args.integer("tail-iterations", 5000), hedgeBudget));
                }
                Files.writeString(out.resolve("ambassador.md"), md, StandardCharsets.UTF_8);
            }
        }
    }

    private static Map<String, Object> upstream(String name, int port, String[] endpoints, Map<String, Object> hedging) {
        Map<String, Object> upstream = new java.util.LinkedHashMap<>();
        upstream.put("name", name);
        upstream.put("port", port);
        upstream.put("shards", List.of(Map.of("name", "s0", "endpoints", List.of(endpoints))));
        // A straggler is slow, not failing: no ejection for it within a round.
        upstream.put("ejection", Map.of("minimumCalls", 100, "window", 100));
        if (hedging != null) {
            upstream.put("hedging", hedging);
        }
        return upstream;
    }

    /** Part 1: one client, direct and through the ambassador interleaved call by call. */
    private String overhead(String ambassador, int rounds, int iterations, int warmup) throws IOException {
        for (int i = 0; i < warmup; i++) {
            call(replicas[i % 2]);
            call(ambassador);
        }
        List<List<Double>> p50 = List.of(new ArrayList<>(), new ArrayList<>());
        List<List<Double>> p90 = List.of(new ArrayList<>(), new ArrayList<>());
        List<List<Double>> p99 = List.of(new ArrayList<>(), new ArrayList<>());
        for (int r = 0; r < rounds; r++) {
            long[][] samples = new long[2][iterations];
            for (int i = 0; i < iterations; i++) {
                for (int k = 0; k < 2; k++) {
                    int kind = (i + k) % 2; // the order alternates, so neither always goes first
                    long t0 = System.nanoTime();
                    call(kind == DIRECT ? replicas[i % 2] : ambassador);
                    samples[kind][i] = System.nanoTime() - t0;
                }
            }
            for (int kind = 0; kind < 2; kind++) {
                Arrays.sort(samples[kind]);
                p50.get(kind).add((double) Stats.percentile(samples[kind], iterations, 50));
                p90.get(kind).add((double) Stats.percentile(samples[kind], iterations, 90));
                p99.get(kind).add((double) Stats.percentile(samples[kind], iterations, 99));
            }
        }
        StringBuilder md = new StringBuilder("### Overhead per request\n\n");
        md.append("One client thread, bare OkHttp GETs of a 256-byte answer, ").append(iterations)
                .append(" calls of each kind per round interleaved call by call, ").append(rounds)
                .append(" rounds after ").append(warmup).append(" warm-up calls of each; medians over rounds (round min to max).\n\n");
        md.append("| | p50 (µs) | p90 (µs) | p99 (µs) |\n|---|---|---|---|\n");
        String[] names = {"direct to a replica", "through the ambassador"};
        for (int kind = 0; kind < 2; kind++) {
            md.append("| ").append(names[kind]).append(" | ").append(cell(p50.get(kind))).append(" | ").append(cell(p90.get(kind)))
                    .append(" | ").append(cell(p99.get(kind))).append(" |\n");
        }
        md.append("| ratio (ambassador / direct) | ").append(Stats.ratio(Stats.median(p50.get(1)) / Stats.median(p50.get(0))))
                .append(" | ").append(Stats.ratio(Stats.median(p90.get(1)) / Stats.median(p90.get(0)))).append(" | ")
                .append(Stats.ratio(Stats.median(p99.get(1)) / Stats.median(p99.get(0)))).append(" |\n");
        md.append("\nThe ambassador adds ").append(Stats.micros(Stats.median(p50.get(1)) - Stats.median(p50.get(0))))
                .append(" µs at the median.\n\n");
        return md.toString();
    }

    /** Part 2: {@code clients} threads calling for a fixed time, direct and through the ambassador, alternating by round. */
    private String throughput(String ambassador, int rounds, int clients, int seconds) throws Exception {
        List<List<Double>> rates = List.of(new ArrayList<>(), new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < 2; k++) {
                    int kind = (r + k) % 2;
                    rates.get(kind).add(load(pool, clients, seconds, kind == DIRECT ? null : ambassador));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        StringBuilder md = new StringBuilder("### Throughput at ").append(clients).append(" concurrent clients\n\n");
        md.append(clients).append(" threads each calling in a loop for ").append(seconds).append(" s per round, ").append(rounds)
                .append(" rounds of each kind, alternating; requests per second, median (min to max).\n\n");
        md.append("| | requests/s |\n|---|---|\n");
        md.append("| direct (round-robin over both replicas) | ").append(rateCell(rates.get(DIRECT))).append(" |\n");
        md.append("| through the ambassador | ").append(rateCell(rates.get(AMBASSADOR))).append(" |\n");
        md.append("| ratio (ambassador / direct) | ")
                .append(Stats.ratio(Stats.median(rates.get(AMBASSADOR)) / Stats.median(rates.get(DIRECT)))).append(" |\n\n");
        return md.toString();
    }

    private double load(ExecutorService pool, int clients, int seconds, String ambassador) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        List<Future<?>> workers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            workers.add(pool.submit(() -> {
                long n = 0;
                while (!stop.get()) {
                    call(ambassador != null ? ambassador : replicas[(int) (n++ + client) % 2]);
                    done.incrementAndGet();
                }
                return null;
            }));
        }
        long t0 = System.nanoTime();
        TimeUnit.SECONDS.sleep(seconds); // the measured interval, not synchronisation
        long count = done.get();
        double elapsed = (System.nanoTime() - t0) / 1e9;
        stop.set(true);
        for (Future<?> worker : workers) {
            worker.get();
        }
        return count / elapsed;
    }

    /** Part 3: the straggler-free upstream, and the straggling one without and with hedging, interleaved. */
    private String tail(BenchSidecar sidecar, String plain, String tailPlain, String tailHedged, int rounds, int iterations,
                        double hedgeBudget) throws IOException {
        String[] targets = {plain, tailPlain, tailHedged};
        String[] names = {"no stragglers", "1% of calls 20 ms late, no hedging",
            "1% of calls 20 ms late, hedging (p95, " + java.math.BigDecimal.valueOf(hedgeBudget).stripTrailingZeros().toPlainString()
                + "% budget)"};
        List<List<List<Double>>> pcts = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            pcts.add(List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
        }
        for (int i = 0; i < 500; i++) { // warm the hedged upstream's latency window
            call(tailHedged);
        }
        double[] before = hedgeCounts(sidecar);
        long hedgedCalls = 0;
        for (int r = 0; r < rounds; r++) {
            long[][] samples = new long[3][iterations];
            for (int i = 0; i < iterations; i++) {
                for (int k = 0; k < 3; k++) {
                    int t = (i + k) % 3;
                    long t0 = System.nanoTime();
                    call(targets[t]);
                    samples[t][i] = System.nanoTime() - t0;
                }
            }
            hedgedCalls += iterations;
            for (int t = 0; t < 3; t++) {
                Arrays.sort(samples[t]);
                pcts.get(t).get(0).add((double) Stats.percentile(samples[t], iterations, 50));
                pcts.get(t).get(1).add((double) Stats.percentile(samples[t], iterations, 99));
                pcts.get(t).get(2).add((double) Stats.percentile(samples[t], iterations, 99.9));
            }
        }
        double[] after = hedgeCounts(sidecar);
        double hedges = after[0] - before[0];
        StringBuilder md = new StringBuilder("### The tail with stragglers\n\n");
        md.append("Two replicas; on the straggling ones every 100th call is answered 20 ms late. One client, the three upstreams interleaved call by call, ")
                .append(iterations).append(" calls each per round, ").append(rounds).append(" rounds; medians over rounds (min to max).\n\n");
        md.append("| | p50 (µs) | p99 (µs) | p99.9 (µs) | p99 / straggler-free p99 |\n|---|---|---|---|---|\n");
        double freeP99 = Stats.median(pcts.get(0).get(1));
        for (int t = 0; t < 3; t++) {
            md.append("| ").append(names[t]).append(" | ").append(cell(pcts.get(t).get(0))).append(" | ").append(cell(pcts.get(t).get(1)))
                    .append(" | ").append(cell(pcts.get(t).get(2))).append(" | ")
                    .append(Stats.ratio(Stats.median(pcts.get(t).get(1)) / freeP99)).append(" |\n");
        }
        md.append("\nHedges sent: ").append(Stats.count(hedges)).append(" for ").append(hedgedCalls).append(" requests (")
                .append(Stats.percent(hedges / hedgedCalls)).append(" extra load); the budget denied ")
                .append(Stats.count(after[1] - before[1])).append(".\n\n");
        return md.toString();
    }

    /** @return the hedged upstream's hedges sent and denied so far */
    private double[] hedgeCounts(BenchSidecar sidecar) throws IOException {
        String[] series = {"hedges", "hedges_denied"};
        double[] counts = new double[series.length];
        for (int i = 0; i < series.length; i++) {
            counts[i] = metric(sidecar, "patternkit_ambassador_" + series[i] + "_total{upstream=\"tail-hedged\"}");
        }
        return counts;
    }

    private void call(String url) throws IOException {
        try (Response response = http.newCall(new Request.Builder().url(url + "/echo").build()).execute()) {
            if (response.code() != 200) {
                throw new IOException("GET " + url + ": " + response.code());
            }
            response.body().bytes();
        }
    }

    private double metric(BenchSidecar sidecar, String series) throws IOException {
        try (Response response = http.newCall(new Request.Builder().url(sidecar.baseUrl() + "/metrics").build()).execute()) {
            return response.body().string().lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l ->
                    Double.parseDouble(l.substring(series.length() + 1).trim())).findFirst().orElse(0);
        }
    }

    private static String cell(List<Double> nanos) {
        return Stats.micros(Stats.median(nanos)) + " (" + Stats.micros(Stats.min(nanos)) + " to " + Stats.micros(Stats.max(nanos)) + ")";
    }

    private static String rateCell(List<Double> rates) {
        return Stats.count(Stats.median(rates)) + " (" + Stats.count(Stats.min(rates)) + " to " + Stats.count(Stats.max(rates)) + ")";
    }

    private static Dispatcher dispatcher(int max) {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(max);
        dispatcher.setMaxRequestsPerHost(max);
        return dispatcher;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

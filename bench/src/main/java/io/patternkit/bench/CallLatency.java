package io.patternkit.bench;

import io.patternkit.core.SidecarConfig;
import io.patternkit.sidecar.engine.sqlite.SqliteQueueEngine;
import io.patternkit.sidecar.workqueue.Backoff;
import io.patternkit.sidecar.workqueue.QueueEngine;
import io.patternkit.testing.SidecarProcess;
import io.patternkit.workqueue.WorkQueue;
import io.patternkit.workqueue.WorkQueueClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The cost of one SDK call over loopback next to bare OkHttp calls to the same sidecar, measured
 * with a hand-rolled loop: {@link System#nanoTime()} around every call, the call kinds interleaved
 * call by call (the order rotates every iteration) so that the machine's noise and the JIT state
 * hit all of them alike, several rounds after a warm-up, nearest-rank percentiles from sorted arrays.
 *
 * <p>Call kinds: the SDK's {@code queue.stats()}; a bare OkHttp GET of the same
 * {@code /v1/queues/{q}/stats} (body read, not parsed); a bare OkHttp GET of {@code /healthz/live};
 * the engine's own work for that call (dead-letter sweep plus stats, and stats alone) in-process on
 * an SQLite file of its own; and the SDK call and bare health call against a second sidecar started by
 * {@code SidecarProcess} (whose JVM runs C1 only, {@code -XX:TieredStopAtLevel=1}).
 *
 * <p>Options: {@code --out DIR} (fragment {@code latency.md}), {@code --rounds 5},
 * {@code --iterations 3000} (per round), {@code --warmup 4000}, {@code --sidecar-jar}.
 */
public final class CallLatency {
    private static final String[] NAMES = {
        "SDK `queue.stats()`",
        "bare OkHttp GET `/v1/queues/{q}/stats`",
        "bare OkHttp GET `/healthz/live`",
        "engine sweep + stats, in-process (no HTTP)",
        "engine stats alone, in-process (no sweep, no HTTP)",
        "SDK `queue.stats()`, sidecar started by SidecarProcess (C1 only)",
        "bare OkHttp GET `/healthz/live`, same C1-only sidecar",
    };
    private static final int SDK = 0;
    private static final int BARE_STATS = 1;
    private static final int BARE_LIVE = 2;
    private static final int ENGINE = 3;
    private static final int ENGINE_STATS = 4;
    private static final int C1_SDK = 5;

    private CallLatency() {
    }

    /**
     * Runs the benchmark and writes {@code latency.md} into {@code --out}.
     *
     * @param argv {@code --name value} options, see the class comment
     * @throws Exception when a sidecar cannot be started or a call fails
     */
    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Path out = Files.createDirectories(args.path("out", "bench/target/results"));
        int rounds = args.integer("rounds", 5);
        int iterations = args.integer("iterations", 3000);
        int warmup = args.integer("warmup", 4000);
        Path jar = args.path("sidecar-jar", "sidecar/target/patternkit-sidecar.jar");
        Path work = Files.createTempDirectory("patternkit-bench-latency-");
        String queueName = "latency";

        OkHttpClient bare = new OkHttpClient.Builder().build();
        try (BenchSidecar sidecar = BenchSidecar.start(jar, List.of(), Files.createDirectories(work.resolve("a")), List.of());
                SidecarProcess c1 = SidecarProcess.workqueue().jar(jar).dataDir(Files.createDirectories(work.resolve("b"))).start();
                WorkQueueClient client = WorkQueueClient.create(SidecarConfig.builder().baseUrl(sidecar.baseUrl()).build());
                WorkQueueClient c1Client = WorkQueueClient.create(SidecarConfig.builder().baseUrl(c1.baseUrl()).build());
                QueueEngine engine = SqliteQueueEngine.open(work.resolve("c/patternkit.db"), Clock.systemUTC(),
                        new Backoff(1000, 300_000))) {
            WorkQueue queue = client.queue(queueName);
            WorkQueue c1Queue = c1Client.queue(queueName);
            Request stats = new Request.Builder().url(sidecar.baseUrl() + "/v1/queues/" + queueName + "/stats").build();
            Request live = new Request.Builder().url(sidecar.baseUrl() + "/healthz/live").build();
            Request c1Live = new Request.Builder().url(c1.baseUrl() + "/healthz/live").build();
            Runnable[] calls = {
                queue::stats,
                () -> get(bare, stats),
                () -> get(bare, live),
                () -> {
                    engine.deadLetterExpired(queueName);
                    engine.stats(queueName);
                },
                () -> engine.stats(queueName),
                c1Queue::stats,
                () -> get(bare, c1Live),
            };
            int kinds = calls.length;
            System.err.printf("sidecar pid %d at %s, C1-only sidecar pid %d at %s; warming up%n", sidecar.pid(),
                    sidecar.baseUrl(), c1.pid(), c1.baseUrl());
            long[][] scratch = new long[kinds][Math.max(iterations, warmup)];
            measure(calls, scratch, warmup);
            List<List<Double>> p50 = new ArrayList<>();
            List<List<Double>> p99 = new ArrayList<>();
            for (int k = 0; k < kinds; k++) {
                p50.add(new ArrayList<>());
                p99.add(new ArrayList<>());
            }
            for (int round = 0; round < rounds; round++) {
                measure(calls, scratch, iterations);
                StringBuilder line = new StringBuilder("round " + round + ":");
                for (int k = 0; k < kinds; k++) {
                    long a = Stats.percentile(scratch[k], iterations, 50);
                    long b = Stats.percentile(scratch[k], iterations, 99);
                    p50.get(k).add((double) a);
                    p99.get(k).add((double) b);
                    line.append(String.format(" [%d] p50 %d us p99 %d us;", k, a / 1000, b / 1000));
                }
                System.err.println(line);
            }
            String md = markdown(p50, p99, rounds, iterations, warmup);
            Files.writeString(out.resolve("latency.md"), md, StandardCharsets.UTF_8);
            Files.writeString(out.resolve("targets-latency.md"), targets(p50), StandardCharsets.UTF_8);
            System.out.println(md);
        } finally {
            bare.dispatcher().executorService().shutdown();
            bare.connectionPool().evictAll();
        }
        CorpusJob.deleteRecursively(work);
    }

    private static void measure(Runnable[] calls, long[][] samples, int iterations) {
        int kinds = calls.length;
        for (int i = 0; i < iterations; i++) {
            for (int j = 0; j < kinds; j++) {
                int k = (i + j) % kinds;
                long start = System.nanoTime();
                calls[k].run();
                samples[k][i] = System.nanoTime() - start;
            }
        }
    }

    private static void get(OkHttpClient client, Request request) {
        try (Response response = client.newCall(request).execute()) {
            if (response.code() != 200 || response.body() == null || response.body().bytes().length == 0) {
                throw new IllegalStateException("unexpected answer " + response.code() + " from " + request.url());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String markdown(List<List<Double>> p50, List<List<Double>> p99, int rounds, int iterations,
            int warmup) {
        StringBuilder md = new StringBuilder();
        md.append("Hand-rolled loop (not JMH): ").append(String.format("%,d", warmup)).append(" warm-up iterations, then ")
                .append(rounds).append(" rounds of ").append(String.format("%,d", iterations))
                .append(" iterations; every iteration makes one call of each kind, in an order that rotates every")
                .append(" iteration. One thread, one connection per client (keep-alive). Median over the rounds of each")
                .append(" round's p50 and p99, in microseconds (min to max over the rounds in brackets).\n\n");
        md.append("| call | p50 µs | p99 µs |\n|---|---:|---:|\n");
        for (int k = 0; k < NAMES.length; k++) {
            md.append("| ").append(NAMES[k]).append(" | ").append(range(p50.get(k))).append(" | ")
                    .append(range(p99.get(k))).append(" |\n");
        }
        double sdk = Stats.median(p50.get(SDK));
        double bareStats = Stats.median(p50.get(BARE_STATS));
        double bareLive = Stats.median(p50.get(BARE_LIVE));
        double engine = Stats.median(p50.get(ENGINE));
        double sdk99 = Stats.median(p99.get(SDK));
        double bareStats99 = Stats.median(p99.get(BARE_STATS));
        md.append("\n| comparison (medians) | p50 ratio | p99 ratio | target | met |\n|---|---:|---:|---|---|\n");
        md.append("| SDK `stats()` / bare OkHttp GET of the same endpoint (the SDK's own cost) | ")
                .append(Stats.ratio(sdk / bareStats)).append(" | ").append(Stats.ratio(sdk99 / bareStats99))
                .append(" | p50 within 1.5x | ").append(sdk / bareStats <= 1.5 ? "yes" : "**no**").append(" |\n");
        md.append("| SDK `stats()` / bare OkHttp GET `/healthz/live` (the issue's wording: a trivial endpoint) | ")
                .append(Stats.ratio(sdk / bareLive)).append(" | ")
                .append(Stats.ratio(sdk99 / Stats.median(p99.get(BARE_LIVE))))
                .append(" | p50 within 1.5x | ").append(sdk / bareLive <= 1.5 ? "yes" : "**no**").append(" |\n");
        md.append("| bare GET stats / bare GET `/healthz/live` (the sidecar's work behind the endpoint) | ")
                .append(Stats.ratio(bareStats / bareLive)).append(" | ")
                .append(Stats.ratio(bareStats99 / Stats.median(p99.get(BARE_LIVE)))).append(" | | |\n");
        md.append("| SDK `stats()`, C1-only sidecar / default JVM sidecar | ")
                .append(Stats.ratio(Stats.median(p50.get(C1_SDK)) / sdk)).append(" | ")
                .append(Stats.ratio(Stats.median(p99.get(C1_SDK)) / sdk99)).append(" | | |\n");
        md.append("\nDecomposition of the SDK call's p50: ").append(Stats.micros(bareLive))
                .append(" µs is the HTTP round trip to a trivial route; the engine's SQL (sweep + stats) takes ")
                .append(Stats.micros(engine)).append(" µs in-process; the sidecar's dispatch around it (event loop to")
                .append(" worker thread and back, routing, JSON) is the rest of bare stats − healthz − engine = ")
                .append(Stats.micros(bareStats - bareLive - engine)).append(" µs; the SDK adds ")
                .append(Stats.micros(sdk - bareStats)).append(" µs on top of the bare call.\n");
        return md.toString();
    }

    /** Summary rows: target, measured, met. */
    private static String targets(List<List<Double>> p50) {
        double sdk = Stats.median(p50.get(SDK));
        double bareStats = Stats.median(p50.get(BARE_STATS));
        double bareLive = Stats.median(p50.get(BARE_LIVE));
        return "| SDK call p50 within 1.5x of a bare OkHttp call to a trivial endpoint (`/healthz/live`) | "
                + Stats.ratio(sdk / bareLive) + "x (" + Stats.micros(sdk) + " vs " + Stats.micros(bareLive) + " µs) | "
                + (sdk / bareLive <= 1.5 ? "yes" : "**no**") + " |\n"
                + "| SDK call p50 within 1.5x of a bare OkHttp call to the same endpoint (`/v1/queues/{q}/stats`) | "
                + Stats.ratio(sdk / bareStats) + "x (" + Stats.micros(sdk) + " vs " + Stats.micros(bareStats) + " µs) | "
                + (sdk / bareStats <= 1.5 ? "yes" : "**no**") + " |\n";
    }

    private static String range(List<Double> values) {
        return Stats.micros(Stats.median(values)) + " (" + Stats.micros(Stats.min(values)) + " to "
                + Stats.micros(Stats.max(values)) + ")";
    }
}

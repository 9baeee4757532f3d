package io.patternkit.bench.upward;

import io.patternkit.bench.Args;
import io.patternkit.bench.Stats;
import io.patternkit.management.ManagementServer;
import io.patternkit.management.ProfileEndpoint;
import io.patternkit.management.ThreadsEndpoint;
import io.patternkit.samples.indexing.Corpus;
import io.patternkit.samples.indexing.TermStatsStage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * What the upward API's profiling costs a loaded application (issue 10): this JVM is the app, with
 * {@code --threads} threads (default 2, the machine's cores) turning JDK source files into term statistics as
 * the main job's indexing stage does, as fast as they can, and a {@link ManagementServer} serving
 * {@code /patternkit/threads} and {@code /patternkit/profile}. Its throughput (files per second) is measured in
 * windows of three kinds, in an order that rotates every round: {@code none} (5 s, nothing asked);
 * {@code threads} (5 s, a thread dump of depth 32 asked every second, as an operator's script might); and
 * {@code profile} (one 5-second JFR recording with its JSON summary: the window is the call). Reported: the
 * median files/s of each kind, the median of the per-round ratios against {@code none}, the thread dump's
 * median latency and the profile call's median duration.
 *
 * <p>Options: {@code --out} (directory; writes {@code upward.md}), {@code --rounds} (7), {@code --files}
 * (2000), {@code --threads} (2), {@code --warmup-s} (15).
 */
public final class UpwardApiCost {
    private static final long WINDOW_MS = 5_000;

    private UpwardApiCost() {
    }

    /**
     * @param argv see the class documentation
     * @throws Exception when the corpus cannot be prepared or a call fails
     */
    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Path out = args.path("out", "bench/target/run/results");
        int rounds = args.integer("rounds", 7);
        int threads = args.integer("threads", 2);
        Path work = Files.createTempDirectory("patternkit-upward-");
        Corpus corpus = Corpus.prepare(Corpus.sourceOrJdk(null), work.resolve("in"), args.integer("files", 2000));
        List<Path> files = corpus.files();
        AtomicLong done = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> app = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t;
            Path output = work.resolve("out-" + t + ".json");
            Thread worker = new Thread(() -> {
                TermStatsStage stage = new TermStatsStage(512 * 1024);
                for (int i = offset; !stop.get(); i += threads) {
                    try {
                        stage.process(files.get(i % files.size()), output);
                        done.incrementAndGet();
                    } catch (IOException | RuntimeException e) {
                        done.incrementAndGet(); // an oversized or unreadable file is work too, as in the job
                    }
                }
            }, "app-worker-" + t);
            worker.start();
            app.add(worker);
        }
        OkHttpClient http = new OkHttpClient.Builder().readTimeout(60, TimeUnit.SECONDS).build();
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        List<Double> dumpMs = new ArrayList<>();
        List<Double> profileMs = new ArrayList<>();
        try (ManagementServer server = ManagementServer.builder().build().start()) {
            ThreadsEndpoint.mount(server);
            ProfileEndpoint.mount(server);
            String base = server.baseUrl().toString();
            Thread.sleep(args.integer("warmup-s", 15) * 1000L); // JIT warm-up of the app's work, not synchronisation
            List<String> kinds = List.of("none", "threads", "profile");
            kinds.forEach(k -> rates.put(k, new ArrayList<>()));
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < kinds.size(); k++) {
                    String kind = kinds.get((k + round) % kinds.size());
                    long before = done.get();
                    long start = System.nanoTime();
                    switch (kind) {
                        case "threads" -> {
                            for (int call = 0; call < WINDOW_MS / 1000; call++) {
                                long callStart = System.nanoTime();
                                get(http, base + ThreadsEndpoint.PATH + "?depth=32");
                                dumpMs.add((System.nanoTime() - callStart) / 1e6);
                                sleepUntil(start + (call + 1) * 1_000_000_000L);
                            }
                        }
                        case "profile" -> {
                            get(http, base + ProfileEndpoint.PATH + "?seconds=5&format=summary");
                            profileMs.add((System.nanoTime() - start) / 1e6);
                        }
                        default -> sleepUntil(start + WINDOW_MS * 1_000_000L);
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    rates.get(kind).add((done.get() - before) / seconds);
                }
                System.out.printf(Locale.ROOT, "round %d: none %.0f, threads %.0f, profile %.0f files/s%n", round + 1,
                        last(rates.get("none")), last(rates.get("threads")), last(rates.get("profile")));
            }
        } finally {
            stop.set(true);
            for (Thread t : app) {
                t.join();
            }
        }
        Files.createDirectories(out);
        Files.writeString(out.resolve("upward.md"), table(rates, dumpMs, profileMs, threads, files.size(), rounds));
        System.out.print(Files.readString(out.resolve("upward.md")));
    }

    private static String table(Map<String, List<Double>> rates, List<Double> dumpMs, List<Double> profileMs,
            int threads, int files, int rounds) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%d app threads on %d JDK source files; %d rounds of the three windows.%n%n",
                threads, files, rounds));
        md.append("| window | files/s (median) | min | max | ratio to none (median of rounds) |\n|---|---:|---:|---:|---:|\n");
        List<Double> none = rates.get("none");
        rates.forEach((kind, values) -> {
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                ratios.add(values.get(i) / none.get(i));
            }
            md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.2fx |%n", kind, Stats.median(values),
                    Stats.min(values), Stats.max(values), Stats.median(ratios)));
        });
        md.append(String.format(Locale.ROOT, "%nThread dump (depth 32): median %.1f ms, max %.1f ms over %d calls. "
                + "Profile call (5 s recording and its summary): median %.0f ms.%n", Stats.median(dumpMs),
                Stats.max(dumpMs), dumpMs.size(), Stats.median(profileMs)));
        return md.toString();
    }

    private static double last(List<Double> values) {
        return values.get(values.size() - 1);
    }

    private static void get(OkHttpClient http, String url) throws IOException {
        try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
            if (r.code() != 200) {
                throw new IOException(url + " answered " + r.code());
            }
            r.body().bytes();
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left); // paces the windows; measures, does not synchronise
        }
    }
}

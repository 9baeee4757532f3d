package io.patternkit.bench.adapter;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.patternkit.bench.Args;
import io.patternkit.bench.BenchSidecar;
import io.patternkit.bench.Stats;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The adapter's metrics under load, on one {@code patternkit-sidecar run --patterns adapter} process
 * started as a user starts it:
 * <ol>
 *   <li><b>statsd lines absorbed</b>: one sender paces counter lines, one per datagram, at rising
 *       rates for a few seconds each; the sidecar's {@code patternkit_adapter_statsd_lines_total}
 *       against the lines sent gives the loss at each rate;</li>
 *   <li><b>the cost of a scrape</b>: the median wall time and size of {@code GET /metrics} with the
 *       adapter holding 100, 1,000 and 10,000 statsd series (gauges, one label), against the same
 *       sidecar's scrape with no series of the adapter's (the baseline of its own meters).</li>
 * </ol>
 *
 * <p>Options: {@code --out DIR} (fragment {@code adapter.md}), {@code --rates 20000,50000,100000,200000}
 * (lines per second), {@code --seconds 3} (per rate), {@code --scrapes 21}, {@code --sidecar-jar}.
 */
public final class AdapterBench {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private AdapterBench() {
    }

    /**
     * Runs the benchmark and writes {@code adapter.md} into {@code --out}.
     *
     * @param argv {@code --name value} options, see the class comment
     * @throws Exception when the sidecar cannot be started or a call fails
     */
    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Path out = Files.createDirectories(args.path("out", "bench/target/results"));
        Path jar = args.path("sidecar-jar", "sidecar/target/patternkit-sidecar.jar");
        List<Integer> rates = args.integers("rates", "20000,50000,100000,200000");
        int seconds = args.integer("seconds", 3);
        int scrapes = args.integer("scrapes", 21);
        Path work = Files.createTempDirectory("patternkit-bench-adapter-");
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path config = work.resolve("adapter.json");
        new ObjectMapper().writeValue(config.toFile(), Map.of("statsd", Map.of("port", port, "maxSeries", 20_000)));
        StringBuilder md = new StringBuilder();
        try (BenchSidecar sidecar = BenchSidecar.start(jar, "run", List.of(), List.of("--patterns", "adapter", "--data", work.toString(),
                "--adapter-config", config.toString()), work.resolve("sidecar.log"));
             DatagramSocket socket = new DatagramSocket()) {
            String metrics = sidecar.baseUrl() + "/metrics";
            md.append(absorbed(socket, port, metrics, rates, seconds));
            md.append(scrapes(socket, port, metrics, scrapes));
        }
        Files.writeString(out.resolve("adapter.md"), md, StandardCharsets.UTF_8);
    }

    /** Part 1: paced counter lines at each rate, against what the sidecar counted. */
    private static String absorbed(DatagramSocket socket, int port, String metrics, List<Integer> rates, int seconds) throws Exception {
        send(socket, port, "bench.warmup:1|c", 20_000, 20_000); // JIT and the series, before counting
        awaitCounted(metrics, 20_000, Duration.ofSeconds(10));
        StringBuilder md = new StringBuilder("### Statsd lines absorbed\n\n");
        md.append("One sender on loopback, one counter line per datagram, paced at each rate for ").append(seconds)
                .append(" s after 20,000 warm-up lines; the sidecar's `patternkit_adapter_statsd_lines_total` against the lines sent.\n\n");
        md.append("| rate asked (lines/s) | rate sent (lines/s) | lines sent | lines counted | lost |\n|---|---|---|---|---|\n");
        for (int rate : rates) {
            double before = counted(metrics);
            long total = (long) rate * seconds;
            long t0 = System.nanoTime();
            send(socket, port, "bench.lines:1|c", total, rate);
            double sentRate = total / ((System.nanoTime() - t0) / 1e9);
            double after = awaitCounted(metrics, before + total, Duration.ofSeconds(5));
            long got = Math.round(after - before);
            md.append("| ").append(Stats.count(rate)).append(" | ").append(Stats.count(sentRate)).append(" | ").append(Stats.count(total))
                    .append(" | ").append(Stats.count(got)).append(" | ").append(Stats.percent((total - got) / (double) total)).append(" |\n");
        }
        return md.append('\n').toString();
    }

    /** Part 2: GET /metrics timed as the adapter's series grow. */
    private static String scrapes(DatagramSocket socket, int port, String metrics, int scrapes) throws Exception {
        StringBuilder md = new StringBuilder("### The cost of a scrape\n\n");
        md.append("`GET /metrics` from one client, ").append(scrapes).append(" times after 5 warm-up scrapes, with the adapter holding")
                .append(" statsd gauge series (one label each); median and min to max.\n\n");
        md.append("| adapter series | scrape (ms) | body (KiB) |\n|---|---|---|\n");
        int made = 0;
        for (int series : new int[] {0, 100, 1_000, 10_000}) {
            double before = counted(metrics);
            for (int i = made; i < series; i++) {
                byte[] line = ("bench.series:" + i + "|g|#n:s" + i).getBytes(StandardCharsets.UTF_8);
                socket.send(new DatagramPacket(line, line.length, InetAddress.getLoopbackAddress(), port));
                if (i % 500 == 499) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // a pause, so the socket's buffer keeps up
                }
            }
            awaitCounted(metrics, before + (series - made), Duration.ofSeconds(10));
            made = series;
            List<Double> ms = new ArrayList<>();
            long bytes = 0;
            for (int i = 0; i < scrapes + 5; i++) {
                long t0 = System.nanoTime();
                String body = HTTP.send(HttpRequest.newBuilder(java.net.URI.create(metrics)).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                if (i >= 5) {
                    ms.add((System.nanoTime() - t0) / 1e6);
                }
                bytes = body.length();
            }
            md.append("| ").append(Stats.count(series)).append(" | ").append(Stats.oneDecimal(Stats.median(ms))).append(" (")
                    .append(Stats.oneDecimal(Stats.min(ms))).append(" to ").append(Stats.oneDecimal(Stats.max(ms))).append(") | ")
                    .append(Stats.count(bytes / 1024.0)).append(" |\n");
        }
        return md.append('\n').toString();
    }

    /** Sends {@code count} copies of a line, one per datagram, paced at {@code rate} per second. */
    private static void send(DatagramSocket socket, int port, String line, long count, int rate) throws IOException {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        DatagramPacket packet = new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port);
        long start = System.nanoTime();
        for (long i = 0; i < count; i++) {
            long due = start + i * 1_000_000_000L / rate;
            while (System.nanoTime() < due) {
                Thread.onSpinWait(); // pacing a benchmark's sender, not synchronising with anything
            }
            socket.send(packet);
        }
    }

    /** Waits until the sidecar counted {@code target} lines in all, or the timeout passed; returns what it counted. */
    private static double awaitCounted(String metrics, double target, Duration timeout) throws Exception {
        long until = System.nanoTime() + timeout.toNanos();
        double now = counted(metrics);
        while (now < target && System.nanoTime() < until) {
            TimeUnit.MILLISECONDS.sleep(100); // polling the sidecar's counter in a benchmark, not test synchronisation
            now = counted(metrics);
        }
        return now;
    }

    private static double counted(String metrics) throws Exception {
        String body = HTTP.send(HttpRequest.newBuilder(java.net.URI.create(metrics)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        return body.lines().filter(l -> l.startsWith("patternkit_adapter_statsd_lines_total "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(0);
    }
}

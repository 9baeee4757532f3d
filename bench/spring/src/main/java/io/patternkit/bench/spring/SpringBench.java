package io.patternkit.bench.spring;

import io.patternkit.core.SidecarConfig;
import io.patternkit.spring.workqueue.WorkQueueListenerContainer;
import io.patternkit.testing.SidecarProcess;
import io.patternkit.workqueue.Enqueue;
import io.patternkit.workqueue.WorkQueue;
import io.patternkit.workqueue.WorkQueueClient;
import io.patternkit.workqueue.WorkQueueConsumer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Measures the Spring Boot starter, on one {@code patternkit-sidecar run} process (SQLite):
 * <ol>
 *   <li><b>start-up</b>: {@link BenchApplication} in a fresh JVM, from the JVM's start to {@code ApplicationReadyEvent},
 *   and its heap after a full GC at that moment, with Patternkit's auto-configuration and with it excluded
 *   ({@code spring.autoconfigure.exclude}; the listener is then an inert method), alternating, medians and ratio;</li>
 *   <li><b>listener throughput</b>: N JSON items drained by the plain {@link WorkQueueConsumer} (the payload bound with
 *   {@code WorkItem.payloadAs}) and by the same settings through {@code @WorkQueueListener} (the payload bound by the
 *   context's mapper), each round on a fresh queue, the two alternating in one JVM, from the consumer's start until
 *   the sidecar counts every item acked; medians and ratio.</li>
 * </ol>
 * Writes {@code spring.md} to {@code --out}. Options: {@code --sidecar-jar}, {@code --rounds} (7), {@code --items}
 * (4000), {@code --startup-rounds} (7). {@code probe [--without-patternkit] --url URL} is the start-up child.
 */
public final class SpringBench {
    /** Every auto-configuration the starter declares, read from its imports file, so that a new one is left out too. */
    static final String EXCLUDE = String.join(",", ImportCandidates.load(AutoConfiguration.class,
            SpringBench.class.getClassLoader()).getCandidates().stream().filter(c -> c.startsWith("io.patternkit.")).toList());
    private static final int CONCURRENCY = 4;
    private static final int BATCH = 10;

    private SpringBench() {
    }

    /**
     * @param args the options above, or {@code probe ...}
     * @throws Exception when the run fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("probe")) {
            probe(Arrays.asList(args).contains("--without-patternkit"), args[Arrays.asList(args).indexOf("--url") + 1]);
            return;
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        Path out = Files.createDirectories(Path.of(options.getOrDefault("--out", "bench/target/run/results")));
        int rounds = Integer.parseInt(options.getOrDefault("--rounds", "7"));
        int items = Integer.parseInt(options.getOrDefault("--items", "4000"));
        int startupRounds = Integer.parseInt(options.getOrDefault("--startup-rounds", "7"));
        SidecarProcess.Builder sidecar = SidecarProcess.run("workqueue", "leader").jvmArgs("-XX:+UseSerialGC",
                "-Xmx256m");
        if (options.containsKey("--sidecar-jar")) {
            sidecar.jar(Path.of(options.get("--sidecar-jar")));
        }
        StringBuilder md = new StringBuilder();
        try (SidecarProcess process = sidecar.start()) {
            md.append(startup(process.baseUrl().toString(), startupRounds)).append('\n');
            md.append(throughput(process.baseUrl().toString(), rounds, items));
        }
        Files.writeString(out.resolve("spring.md"), md.toString());
        System.out.print(md);
    }

    // ---- start-up -------------------------------------------------------------------------------------------

    private static void probe(boolean withoutPatternkit, String url) {
        List<String> properties = new ArrayList<>(List.of("logging.level.root=WARN",
                "patternkit.sidecar.url=" + url, "bench.queue=probe",
                "patternkit.leader.election=probe", "patternkit.workqueue.listener.poll-wait=1s"));
        if (withoutPatternkit) {
            properties.add("spring.autoconfigure.exclude=" + EXCLUDE);
        }
        ConfigurableApplicationContext context = new SpringApplicationBuilder(BenchApplication.class)
                .web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF).logStartupInfo(false)
                .properties(properties.toArray(String[]::new))
                .listeners(event -> {
                    if (event instanceof ApplicationReadyEvent) {
                        long readyMs = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
                        System.gc();
                        long heapKb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024;
                        System.out.println("PROBE readyMs=" + readyMs + " heapKb=" + heapKb + " beans="
                                + ((ApplicationReadyEvent) event).getApplicationContext().getBeanDefinitionCount());
                        System.out.flush();
                    }
                }).run();
        context.close();
    }

    private static String startup(String url, int rounds) throws IOException, InterruptedException {
        List<long[]> with = new ArrayList<>();
        List<long[]> without = new ArrayList<>();
        for (int round = 0; round <= rounds; round++) {
            boolean withFirst = round % 2 == 0;
            long[] a = runProbe(!withFirst, url);
            long[] b = runProbe(withFirst, url);
            if (round == 0) {
                continue; // warm-up: the file cache, not the JVM, is cold on the first run
            }
            (withFirst ? with : without).add(a);
            (withFirst ? without : with).add(b);
        }
        StringBuilder md = new StringBuilder();
        md.append("**Start-up and heap** (").append(rounds).append(" pairs after 1 warm-up pair; a fresh JVM each,")
                .append(" `-XX:+UseSerialGC`; from the JVM's start to `ApplicationReadyEvent`, heap after a full GC")
                .append(" then):\n\n");
        md.append("| application | ready, median ms | heap used, median KiB | bean definitions |\n|---|---|---|---|\n");
        md.append(row("with Patternkit's auto-configuration", with));
        md.append(row("Patternkit's auto-configuration excluded", without));
        md.append(String.format(Locale.ROOT, "\nRatio with/without: start-up %.2fx, heap %.2fx (median of the per-pair"
                + " ratios: %.2fx, %.2fx).%n", median(with, 0) / median(without, 0),
                median(with, 1) / median(without, 1), pairRatio(with, without, 0), pairRatio(with, without, 1)));
        return md.toString();
    }

    private static String row(String name, List<long[]> runs) {
        return String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f |%n", name, median(runs, 0), median(runs, 1),
                median(runs, 2));
    }

    private static long[] runProbe(boolean withoutPatternkit, String url) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:+UseSerialGC", "-Xmx256m", "-jar", System.getProperty("java.class.path"), "probe",
                "--url", url));
        if (withoutPatternkit) {
            command.add("--without-patternkit");
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        long[] result = null;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("PROBE ")) {
                    Map<String, Long> fields = new HashMap<>();
                    for (String word : line.substring(6).split(" ")) {
                        String[] kv = word.split("=");
                        fields.put(kv[0], Long.parseLong(kv[1]));
                    }
                    result = new long[] {fields.get("readyMs"), fields.get("heapKb"), fields.get("beans")};
                }
            }
        }
        if (!process.waitFor(60, TimeUnit.SECONDS) || result == null) {
            process.destroyForcibly();
            throw new IllegalStateException("the start-up probe did not report (without=" + withoutPatternkit + ")");
        }
        return result;
    }

    // ---- listener throughput --------------------------------------------------------------------------------

    private static String throughput(String url, int rounds, int items) throws InterruptedException {
        List<Double> plain = new ArrayList<>();
        List<Double> listener = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        try (WorkQueueClient client = WorkQueueClient.create(SidecarConfig.builder().baseUrl(java.net.URI.create(url))
                .build())) {
            for (int round = 0; round <= rounds; round++) {
                boolean plainFirst = round % 2 == 0;
                double first = plainFirst ? plainRound(client, round, items) : listenerRound(client, url, round, items);
                double second = plainFirst ? listenerRound(client, url, round, items) : plainRound(client, round, items);
                if (round == 0) {
                    continue; // warm-up round: JIT and connection pools
                }
                double p = plainFirst ? first : second;
                double l = plainFirst ? second : first;
                plain.add(p);
                listener.add(l);
                ratios.add(l / p);
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("**`@WorkQueueListener` against the plain `WorkQueueConsumer`** (").append(items)
                .append(" JSON items of about 60 bytes per round, concurrency ").append(CONCURRENCY).append(", batch ")
                .append(BATCH).append(", a fresh queue per round; ").append(rounds)
                .append(" rounds after 1 warm-up round, the two alternating in one JVM, the listener's context started before its")
                .append(" queue is filled; from the consumer's start")
                .append(" until the sidecar counts every item acked):\n\n");
        md.append("| consumer | items/s, median | min | max |\n|---|---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| plain `WorkQueueConsumer` (`payloadAs`) | %.0f | %.0f | %.0f |%n",
                medianOf(plain), min(plain), max(plain)));
        md.append(String.format(Locale.ROOT, "| `@WorkQueueListener` (Spring, the context's mapper) | %.0f | %.0f |"
                + " %.0f |%n", medianOf(listener), min(listener), max(listener)));
        md.append(String.format(Locale.ROOT, "%nRatio listener/plain: median of the per-round ratios %.2fx (rounds:"
                + " %s); target at least 0.9x.%n", medianOf(ratios), ratios.stream()
                .map(r -> String.format(Locale.ROOT, "%.2f", r)).toList()));
        return md.toString();
    }

    private static void fill(WorkQueue queue, int items) {
        for (int from = 0; from < items; from += 100) {
            List<Enqueue> batch = new ArrayList<>();
            for (int i = from; i < Math.min(items, from + 100); i++) {
                batch.add(Enqueue.json("{\"n\":" + i + ",\"text\":\"a benchmark payload of some size\"}"));
            }
            queue.enqueueAll(batch);
        }
    }

    private static double plainRound(WorkQueueClient client, int round, int items) throws InterruptedException {
        WorkQueue queue = client.queue("bench-plain-" + round);
        fill(queue, items);
        LongAdder handled = new LongAdder();
        try (WorkQueueConsumer consumer = WorkQueueConsumer.builder(queue, item -> {
            if (item.payloadAs(BenchApplication.Payload.class).n() >= 0) {
                handled.increment();
            }
        }).concurrency(CONCURRENCY).batchSize(BATCH).pollWait(Duration.ofSeconds(1)).build()) {
            long start = System.nanoTime();
            consumer.start();
            return awaitAcked(queue, items, start);
        }
    }

    private static double listenerRound(WorkQueueClient client, String url, int round, int items)
            throws InterruptedException {
        String name = "bench-listener-" + round;
        WorkQueue queue = client.queue(name);
        // The context starts before the queue is filled, as the plain consumer's client exists before: the JIT's work
        // on Spring's start-up (measured in the start-up section) then overlaps the fill, not the timed drain.
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(BenchApplication.class)
                .web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF).logStartupInfo(false)
                .properties("logging.level.root=WARN", "patternkit.sidecar.url=" + url, "bench.queue=" + name,
                        "patternkit.workqueue.listener.auto-startup=false",
                        "patternkit.workqueue.listener.concurrency=" + CONCURRENCY,
                        "patternkit.workqueue.listener.batch-size=" + BATCH,
                        "patternkit.workqueue.listener.poll-wait=1s").run()) {
            WorkQueueConsumer consumer = context.getBean(WorkQueueListenerContainer.class)
                    .consumer("countingListener.handle").orElseThrow();
            fill(queue, items);
            long start = System.nanoTime();
            consumer.start();
            return awaitAcked(queue, items, start);
        }
    }

    private static double awaitAcked(WorkQueue queue, int items, long start) throws InterruptedException {
        long deadline = start + TimeUnit.MINUTES.toNanos(5);
        while (queue.stats().acked() < items) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not drained within 5 minutes: " + queue.stats());
            }
            Thread.sleep(10);
        }
        return items / ((System.nanoTime() - start) / 1e9);
    }

    // ---- statistics -----------------------------------------------------------------------------------------

    private static double median(List<long[]> runs, int column) {
        return medianOf(runs.stream().map(r -> (double) r[column]).toList());
    }

    private static double pairRatio(List<long[]> with, List<long[]> without, int column) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < with.size(); i++) {
            ratios.add((double) with.get(i)[column] / without.get(i)[column]);
        }
        return medianOf(ratios);
    }

    private static double medianOf(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}

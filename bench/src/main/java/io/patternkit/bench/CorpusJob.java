package io.patternkit.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The main job on the JDK corpus next to its stage without the queue. Each run starts the sample
 * ({@code java -jar patternkit-samples.jar}: a producer, by default two worker processes with two handler
 * threads each, one sidecar per process, all on one SQLite file) and reads its {@code summary.json};
 * then it runs {@link CorpusDirect} in a fresh JVM over the files the job extracted, with the same
 * total handler concurrency (4 by default) and no queue. While the job runs, the CPU time of each of its
 * processes is sampled from {@code /proc} every 200 ms.
 *
 * <p>The queue's share of the job's time is {@code 1 - direct seconds / job seconds}: the
 * fraction of the job's wall time that the same handler work would not have needed without the
 * queue (the sidecars, the SDK calls, the claim and ack round trips, and the extra JVMs). The CPU
 * samples give a second view: the sidecars' share of all CPU time the job used. A third view sets warm-up
 * apart from the steady state: the rates over the first, second and last third of the items, the job's from its
 * progress lines (one a second, so each third's rate is good to about a second) and the baseline's from its own
 * clock, and the queue's share of the last third, {@code 1 - job rate / direct rate} over it.
 *
 * <p>To compare two jars run after run, give {@code --work} a directory on tmpfs ({@code /dev/shm/...}): on ext4,
 * creating the job's 15,000 files right after the previous run deleted 30,000 makes the inode allocator skip
 * recently deleted inodes, and each run back to back then gets slower than the one before (docs/benchmarks.md,
 * section 3).
 *
 * <p>Options: {@code --samples-jar}, {@code --sidecar-jar}, {@code --work DIR}, {@code --out DIR}
 * (fragment {@code corpus.md}), {@code --runs 3}, {@code --budget-seconds 300} (no new run starts
 * after this much time), {@code --limit 0} (files; 0 for the whole corpus), {@code --workers 2} and
 * {@code --concurrency 2} (the sample's worker processes and each one's handler threads; the direct baseline runs
 * as many threads as the job has handlers in all), {@code --batch N} and {@code --worker-jvm-args "..."} (the items
 * each claim asks for and the workers' JVM options, passed to the sample; absent, its defaults).
 */
public final class CorpusJob {
    private static final Pattern PROGRESS = Pattern.compile("\\[\\s*([0-9.]+)s\\] settled (\\d+)/(\\d+).*ready (\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Issue 13's target 1: the queue's share of the job's time at most this. */
    private static final double TARGET_SHARE = 0.30;

    private CorpusJob() {
    }

    /**
     * Runs the job and the direct baseline, alternately, and writes {@code corpus.md} into {@code --out}.
     *
     * @param argv {@code --name value} options, see the class comment
     * @throws Exception when a run fails
     */
    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Path samplesJar = args.path("samples-jar", "samples/target/patternkit-samples.jar").toAbsolutePath();
        Path sidecarJar = args.path("sidecar-jar", "sidecar/target/patternkit-sidecar.jar").toAbsolutePath();
        Path work = Files.createDirectories(args.path("work", "bench/target/corpus").toAbsolutePath());
        Path out = Files.createDirectories(args.path("out", "bench/target/results"));
        int runs = args.integer("runs", 3);
        long budgetNanos = args.integer("budget-seconds", 300) * 1_000_000_000L;
        int limit = args.integer("limit", 0);
        int workers = args.integer("workers", 2);
        int concurrency = args.integer("concurrency", 2);
        String batch = args.string("batch", null);
        String workerJvmArgs = args.string("worker-jvm-args", null);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> sampleOptions = new ArrayList<>(List.of("--workers", Integer.toString(workers), "--concurrency",
                Integer.toString(concurrency)));
        if (batch != null) {
            sampleOptions.add("--batch=" + batch);
        }
        if (workerJvmArgs != null) {
            sampleOptions.add("--worker-jvm-args=" + workerJvmArgs);
        }

        long began = System.nanoTime();
        List<Run> done = new ArrayList<>();
        for (int i = 0; i < runs && (i == 0 || System.nanoTime() - began < budgetNanos); i++) {
            Path jobDir = work.resolve("job");
            Path jobLog = work.resolve("job-" + i + ".log");
            List<String> job = new ArrayList<>(List.of(java, "-jar", samplesJar.toString(), "--work-dir",
                    jobDir.toString(), "--sidecar-jar", sidecarJar.toString(), "--limit", Integer.toString(limit)));
            job.addAll(sampleOptions);
            System.err.println("run " + i + ": " + String.join(" ", job));
            JobCpu cpu = JobCpu.runSampled(job, jobLog);
            JsonNode summary = JSON.readTree(jobDir.resolve("summary.json").toFile());

            Path direct = work.resolve("direct");
            deleteRecursively(direct);
            Path result = work.resolve("direct-" + i + ".json");
            List<String> baseline = List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-cp",
                    System.getProperty("java.class.path"), CorpusDirect.class.getName(), "--input",
                    jobDir.resolve("input").toString(), "--output", direct.toString(), "--threads",
                    Integer.toString(workers * concurrency), "--result", result.toString());
            Process d = new ProcessBuilder(baseline).redirectErrorStream(true)
                    .redirectOutput(work.resolve("direct-" + i + ".log").toFile()).start();
            if (d.waitFor() != 0) {
                throw new IllegalStateException("the direct run failed; see " + work.resolve("direct-" + i + ".log"));
            }
            JsonNode directResult = JSON.readTree(result.toFile());
            Run run = new Run(summary.get("files").asInt(), summary.get("processed").asLong(),
                    summary.get("deadLettered").asLong(), summary.get("lost").asLong(), summary.get("seconds").asDouble(),
                    directResult.get("seconds").asDouble(), directResult.get("poison").asLong(), cpu.seconds(),
                    thirds(Files.readAllLines(jobLog, StandardCharsets.UTF_8)), directThirds(directResult));
            done.add(run);
            System.err.printf(Locale.ROOT, "run %d: job %.1f s (%.0f items/s), direct %.1f s (%.0f items/s), queue share %.0f%%,"
                    + " cpu %s, by thirds %s, direct by thirds %s, queue share of the last third %.0f%%%n", i,
                    run.jobSeconds, run.jobRate(), run.directSeconds, run.directRate(), run.queueShare() * 100, run.cpu,
                    run.thirds, run.directThirds, run.lastThirdShare() * 100);
        }
        String corpus = Files.readAllLines(work.resolve("job-0.log"), StandardCharsets.UTF_8).stream()
                .filter(l -> l.startsWith("corpus ")).findFirst().map(l -> l.substring(7)).orElse("unknown");
        String md = "Corpus: `" + corpus + "`, " + Stats.count(done.get(0).files) + " files; the sample's options `"
                + String.join(" ", sampleOptions) + "`. " + markdown(done);
        Files.writeString(out.resolve("corpus.md"), md, StandardCharsets.UTF_8);
        double rate = Stats.median(done.stream().map(Run::jobRate).toList());
        double share = Stats.median(done.stream().map(Run::queueShare).toList());
        Files.writeString(out.resolve("targets-corpus.md"), "| Main job on the JDK corpus (" + done.size()
                + (done.size() == 1 ? " run" : " runs") + "): the queue's share of the job's time at most "
                + Stats.percent(TARGET_SHARE) + " (issue 13) | " + Stats.count(rate) + " items/s; the queue takes "
                + Stats.percent(share) + " of the job's time | " + (share <= TARGET_SHARE ? "yes" : "**no**") + " |\n",
                StandardCharsets.UTF_8);
        System.out.println(md);
    }

    /** The direct baseline's rates (files/s) over its thirds, from its result. */
    private static List<Double> directThirds(JsonNode result) {
        List<Double> rates = new ArrayList<>();
        result.get("thirds").forEach(r -> rates.add(r.asDouble()));
        return rates;
    }

    /** Rates (items/s) over the first, second and last third of the items, from the job's progress lines. */
    private static List<Double> thirds(List<String> log) {
        List<double[]> points = new ArrayList<>();
        long total = 0;
        for (String line : log) {
            Matcher m = PROGRESS.matcher(line);
            if (m.find()) {
                points.add(new double[] {Double.parseDouble(m.group(1)), Long.parseLong(m.group(2))});
                total = Long.parseLong(m.group(3));
            }
        }
        List<Double> rates = new ArrayList<>();
        double[] from = {0, 0};
        for (int third = 1; third <= 3 && total > 0; third++) {
            long target = total * third / 3;
            double[] to = points.stream().filter(pt -> pt[1] >= target).findFirst().orElse(null);
            if (to == null || to[0] <= from[0]) {
                break;
            }
            rates.add((to[1] - from[1]) / (to[0] - from[0]));
            from = to;
        }
        return rates;
    }

    private static String markdown(List<Run> runs) {
        StringBuilder md = new StringBuilder();
        md.append(runs.size()).append(runs.size() == 1 ? " run" : " runs")
                .append(" (no new run starts once the budget is spent).\n\n");
        md.append("| run | files | processed | dead-lettered | lost | job s | job items/s | direct s | direct items/s")
                .append(" | queue's share of the time | CPU s: sidecars / workers / producer | sidecars' share of CPU |")
                .append(" job items/s over 1st / 2nd / 3rd third of the items | direct items/s over the same |")
                .append(" queue's share of the last third |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---|---:|\n");
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            md.append("| ").append(i + 1).append(" | ").append(Stats.count(r.files)).append(" | ")
                    .append(Stats.count(r.processed)).append(" | ").append(r.dead).append(" | ").append(r.lost)
                    .append(" | ").append(Stats.oneDecimal(r.jobSeconds)).append(" | ").append(Stats.count(r.jobRate()))
                    .append(" | ").append(Stats.oneDecimal(r.directSeconds)).append(" | ")
                    .append(Stats.count(r.directRate())).append(" | ").append(Stats.percent(r.queueShare()))
                    .append(" | ").append(r.cpu.toString()).append(" | ").append(Stats.percent(r.cpu.sidecarShare()))
                    .append(" | ").append(String.join(" / ", r.thirds.stream().map(Stats::count).toList()))
                    .append(" | ").append(String.join(" / ", r.directThirds.stream().map(Stats::count).toList()))
                    .append(" | ").append(Double.isNaN(r.lastThirdShare()) ? "n/a" : Stats.percent(r.lastThirdShare()))
                    .append(" |\n");
        }
        List<Double> jobRates = runs.stream().map(Run::jobRate).toList();
        List<Double> directRates = runs.stream().map(Run::directRate).toList();
        List<Double> shares = runs.stream().map(Run::queueShare).toList();
        List<Double> cpuShares = runs.stream().map(r -> r.cpu.sidecarShare()).toList();
        List<Double> lastThirdShares = runs.stream().map(Run::lastThirdShare).filter(x -> !Double.isNaN(x)).toList();
        md.append("| **median** | | | | | | **").append(Stats.count(Stats.median(jobRates))).append("** | | **")
                .append(Stats.count(Stats.median(directRates))).append("** | **").append(Stats.percent(Stats.median(shares)))
                .append("** | | **").append(Stats.percent(Stats.median(cpuShares))).append("** | | | ")
                .append(lastThirdShares.isEmpty() ? "" : "**" + Stats.percent(Stats.median(lastThirdShares)) + "**")
                .append(" |\n");
        return md.toString();
    }

    /** Deletes a directory tree; nothing when it does not exist. */
    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** One run of the job and of the direct baseline. */
    private record Run(int files, long processed, long dead, long lost, double jobSeconds, double directSeconds,
            long directPoison, JobCpu.Cpu cpu, List<Double> thirds, List<Double> directThirds) {
        double jobRate() {
            return (processed + dead) / jobSeconds;
        }

        double directRate() {
            return files / directSeconds;
        }

        double queueShare() {
            return 1 - directSeconds / jobSeconds;
        }

        /** {@code 1 - job rate / direct rate} over the last third of the items; NaN when either rate is missing. */
        double lastThirdShare() {
            return thirds.size() == 3 && directThirds.size() == 3
                    ? 1 - thirds.get(2) / directThirds.get(2) : Double.NaN;
        }
    }
}

package io.patternkit.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the sidecars' CPU goes in the main job, and what the sidecars' JVM settings change: the sample
 * ({@code java -jar patternkit-samples.jar}, 2 workers x 2 handlers, batch 16, SQLite) on the JDK corpus, once per
 * variant per round, the variants in an order that rotates every round. Each run's sidecar CPU is sampled per
 * thread ({@link JobCpu}) and grouped: JIT compiler threads, request handling (Vert.x threads, the engine's SQL
 * included), the main thread (start-up), the engine's watch of other processes' writes, GC and VM.
 *
 * <p>Variants: {@code tiered} (JDK 17, C1 and C2: the main job's sidecar settings before), {@code c1} (JDK 17,
 * C1 only: its settings now), and, when {@code --java25} names a JDK 25 {@code java}, {@code c1-jdk25-aot} (C1
 * only with an AOT cache, JEP 483 and 514, trained by one unrecorded run of the same job). The whole job runs
 * on that variant's JDK, workers included; only the sidecars' columns are compared.
 *
 * <p>Options: {@code --samples-jar}, {@code --sidecar-jar}, {@code --work DIR}, {@code --out DIR} (fragment
 * {@code cpu.md}), {@code --rounds 3}, {@code --limit 0} (files; 0 for the whole corpus),
 * {@code --java25 PATH}, {@code --compare-jar PATH} (adds {@code c1-compare}: C1 only with that sidecar jar, to
 * measure a change against the jar before it in the same rounds; with {@code --java25} also
 * {@code c1-jdk25-aot-compare}, that jar on JDK 25 with its own trained cache), {@code --variants a,b} (only those).
 */
public final class SidecarCpu {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String C1 = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m";
    private static final List<String> GROUPS = List.of("jit", "requests", "main", "watch", "gc+vm", "other");

    private SidecarCpu() {
    }

    private record Variant(String name, String java, String jvmArgs, Path sidecarJar, String description) {
    }

    private record Result(double jobSeconds, long items, JobCpu.Cpu cpu, Map<String, Double> groups) {
    }

    /**
     * Runs the rounds and writes {@code cpu.md} into {@code --out}.
     *
     * @param argv {@code --name value} options, see the class comment
     * @throws Exception when a run fails
     */
    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Path samplesJar = args.path("samples-jar", "samples/target/patternkit-samples.jar").toAbsolutePath();
        Path sidecarJar = args.path("sidecar-jar", "sidecar/target/patternkit-sidecar.jar").toAbsolutePath();
        Path work = Files.createDirectories(args.path("work", "bench/target/sidecar-cpu").toAbsolutePath());
        Path out = Files.createDirectories(args.path("out", "bench/target/results"));
        int rounds = args.integer("rounds", 3);
        int limit = args.integer("limit", 0);
        String java17 = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String java25 = args.string("java25", "");
        String compareJar = args.string("compare-jar", "");
        String only = args.string("variants", "");

        List<Variant> variants = new ArrayList<>(List.of(
                new Variant("tiered", java17, "-XX:+UseSerialGC -Xmx256m", sidecarJar,
                        "JDK 17, C1 and C2 (the main job's sidecars before)"),
                new Variant("c1", java17, C1, sidecarJar, "JDK 17, C1 only (the main job's sidecars now)")));
        if (!compareJar.isEmpty()) {
            variants.add(new Variant("c1-compare", java17, C1, Path.of(compareJar).toAbsolutePath(),
                    "JDK 17, C1 only, the sidecar jar " + compareJar + " to compare with"));
        }
        if (!java25.isEmpty() && Files.isExecutable(Path.of(java25))) {
            Path cache = train(java25, samplesJar, sidecarJar, work, limit, "sidecar.aot");
            variants.add(new Variant("c1-jdk25-aot", java25, C1 + " -XX:AOTCache=" + cache, sidecarJar,
                    "JDK 25, C1 only, AOT cache trained on one run of the job"));
            if (!compareJar.isEmpty()) {
                Path compare = Path.of(compareJar).toAbsolutePath();
                Path compareCache = train(java25, samplesJar, compare, work, limit, "compare.aot");
                variants.add(new Variant("c1-jdk25-aot-compare", java25, C1 + " -XX:AOTCache=" + compareCache, compare,
                        "JDK 25, C1 only, the sidecar jar " + compareJar + " to compare with, with its own AOT cache"));
            }
        }
        if (!only.isEmpty()) {
            List<String> names = List.of(only.split(","));
            variants.removeIf(v -> !names.contains(v.name));
        }
        Map<String, List<Result>> results = new LinkedHashMap<>();
        variants.forEach(v -> results.put(v.name, new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < variants.size(); k++) {
                Variant v = variants.get((r + k) % variants.size());
                Result res = runJob(v.java, v.jvmArgs, samplesJar, v.sidecarJar, work, limit, v.name + "-" + r);
                results.get(v.name).add(res);
                System.err.printf(Locale.ROOT, "round %d %s: job %.1f s, sidecars %.1f s CPU (%s), workers %.1f s CPU%n", r,
                        v.name, res.jobSeconds, res.cpu.sidecars(), res.groups, res.cpu.workers());
            }
        }
        String md = markdown(variants, results);
        Files.writeString(out.resolve("cpu.md"), md, StandardCharsets.UTF_8);
        System.out.println(md);
    }

    /** One unrecorded run whose sidecars each write an AOT cache at exit; the largest is kept as {@code name}. */
    private static Path train(String java, Path samplesJar, Path sidecarJar, Path work, int limit, String name)
            throws Exception {
        Path dir = Files.createDirectories(work.resolve("aot"));
        CorpusJob.deleteRecursively(dir);
        Files.createDirectories(dir);
        runJob(java, C1 + " -XX:AOTCacheOutput=" + dir.resolve("train-%p.aot"), samplesJar, sidecarJar, work, limit,
                "aot-training");
        try (Stream<Path> files = Files.list(dir)) {
            Path largest = files.max(Comparator.comparingLong(SidecarCpu::size))
                    .orElseThrow(() -> new IllegalStateException("the training run wrote no AOT cache in " + dir));
            return Files.move(largest, work.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private static Result runJob(String java, String sidecarJvmArgs, Path samplesJar, Path sidecarJar, Path work,
            int limit, String name) throws Exception {
        Path jobDir = work.resolve("job");
        CorpusJob.deleteRecursively(jobDir);
        Path log = work.resolve(name + ".log");
        List<String> job = List.of(java, "-jar", samplesJar.toString(), "--work-dir", jobDir.toString(),
                "--sidecar-jar", sidecarJar.toString(), "--sidecar-jvm-args", sidecarJvmArgs, "--workers", "2",
                "--concurrency", "2", "--limit", Integer.toString(limit));
        JobCpu cpu = JobCpu.runSampled(job, log);
        JsonNode summary = JSON.readTree(jobDir.resolve("summary.json").toFile());
        if (summary.get("lost").asLong() != 0) {
            throw new IllegalStateException("the job lost items; see " + log);
        }
        return new Result(summary.get("seconds").asDouble(),
                summary.get("processed").asLong() + summary.get("deadLettered").asLong(), cpu.seconds(),
                cpu.sidecarThreadGroups());
    }

    private static String markdown(List<Variant> variants, Map<String, List<Result>> results) {
        StringBuilder md = new StringBuilder();
        md.append("| sidecar JVM | runs | job s | sidecar CPU s | sidecar CPU ms per item | ")
                .append(String.join(" s | ", GROUPS)).append(" s | worker CPU s | sidecar / worker CPU |\n");
        md.append("|---|---:|---:|---:|---:|").append("---:|".repeat(GROUPS.size())).append("---:|---:|\n");
        for (Variant v : variants) {
            List<Result> rs = results.get(v.name);
            double cpu = Stats.median(rs.stream().map(r -> r.cpu.sidecars()).toList());
            double perItem = Stats.median(rs.stream().map(r -> r.cpu.sidecars() * 1000 / r.items).toList());
            md.append("| ").append(v.name).append(": ").append(v.description).append(" | ").append(rs.size())
                    .append(" | ").append(Stats.oneDecimal(Stats.median(rs.stream().map(Result::jobSeconds).toList())))
                    .append(" | ").append(Stats.oneDecimal(cpu)).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f", perItem)).append(" |");
            for (String g : GROUPS) {
                md.append(' ').append(Stats.oneDecimal(Stats.median(rs.stream()
                        .map(r -> r.groups.getOrDefault(g, 0.0)).toList()))).append(" |");
            }
            md.append(' ').append(Stats.oneDecimal(Stats.median(rs.stream().map(r -> r.cpu.workers()).toList())))
                    .append(" | ").append(String.format(Locale.ROOT, "%.3f", Stats.median(rs.stream()
                            .map(r -> r.cpu.sidecars() / r.cpu.workers()).toList()))).append(" |\n");
        }
        md.append("\nMedians over the runs; every column is from the same runs. Items per run: ")
                .append(Stats.count(results.values().iterator().next().get(0).items))
                .append(". The last column is the median of each run's sidecar CPU over its workers' CPU: a variant and its"
                        + " `-compare` run the workers on the same JDK, so for those two the ratio takes out most of the machine's"
                        + " drift between runs.\n");
        return md.toString();
    }
}

package io.patternkit.bench;

import io.patternkit.samples.indexing.TermStatsStage;
import io.patternkit.workqueue.PoisonItemException;
import io.patternkit.workqueue.WorkHandler;
import io.patternkit.workqueue.WorkItem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The main job's work without the queue: the same handler the job's workers run
 * ({@link WorkHandler#fileStage} over the sample's {@link TermStatsStage}, plus the worker's ledger
 * line) over the same files, on {@code --threads} threads of one process that take the next file
 * from a shared counter. Meant to run in a fresh JVM, like the job's workers.
 *
 * <p>Options: {@code --input DIR} (the job's extracted corpus), {@code --output DIR},
 * {@code --threads 4}, {@code --max-file-bytes 524288} (the worker's default), {@code --result FILE}
 * (one JSON object: files, poison, seconds, and thirds: the files per second over the first, second and last third
 * of the files finished, which shows its warm-up apart from its steady state).
 */
public final class CorpusDirect {
    private CorpusDirect() {
    }

    /**
     * Runs the stage over every file under {@code --input}.
     *
     * @param argv {@code --name value} options, see the class comment
     * @throws Exception when listing, a handler or writing the result fails unexpectedly
     */
    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Path input = args.path("input", "input").toAbsolutePath().normalize();
        Path output = args.path("output", "direct-output").toAbsolutePath().normalize();
        int threads = args.integer("threads", 4);
        long maxFileBytes = args.integer("max-file-bytes", 524_288);
        Path result = args.path("result", "direct-result.json");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(input)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        Files.createDirectories(output);
        WorkHandler stage = WorkHandler.fileStage(new TermStatsStage(maxFileBytes), in -> outputFor(input, output, in));
        AtomicInteger next = new AtomicInteger();
        AtomicInteger poison = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        long[] thirdsEnded = new long[2]; // when a third and two thirds of the files had finished
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start;
        long end;
        try (Writer ledger = Files.newBufferedWriter(output.resolve("ledger.tsv"), StandardCharsets.UTF_8)) {
            start = System.nanoTime();
            Future<?>[] running = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                running[t] = pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < files.size(); i = next.getAndIncrement()) {
                        Path file = files.get(i);
                        String rel = input.relativize(file).toString();
                        WorkItem item = new WorkItem(Integer.toString(i + 1), "direct", 1, 5, null, file.toString(), rel,
                                0, Instant.now(), Instant.now());
                        try {
                            stage.handle(item);
                            synchronized (ledger) {
                                ledger.write("1\t" + rel + "\n");
                                ledger.flush();
                            }
                        } catch (PoisonItemException e) {
                            poison.incrementAndGet();
                        }
                        int count = finished.incrementAndGet();
                        for (int third = 1; third <= 2; third++) {
                            if (count == files.size() * third / 3) {
                                thirdsEnded[third - 1] = System.nanoTime();
                            }
                        }
                    }
                    return null;
                });
            }
            for (Future<?> f : running) {
                f.get();
            }
            end = System.nanoTime();
        } finally {
            pool.shutdownNow();
        }
        double seconds = (end - start) / 1e9;
        int n = files.size();
        // A third's end stays 0 with fewer than 3 files.
        long[] bounds = {start, Math.max(start, thirdsEnded[0]), Math.max(start, thirdsEnded[1]), end};
        int[] counts = {0, n / 3, n * 2 / 3, n};
        double[] thirds = new double[3];
        for (int t = 0; t < 3; t++) {
            thirds[t] = (counts[t + 1] - counts[t]) / Math.max((bounds[t + 1] - bounds[t]) / 1e9, 1e-9);
        }
        String json = String.format(Locale.ROOT, "{\"files\": %d, \"poison\": %d, \"seconds\": %.3f, "
                + "\"thirds\": [%.1f, %.1f, %.1f]}%n", n, poison.get(), seconds, thirds[0], thirds[1], thirds[2]);
        Files.writeString(result, json, StandardCharsets.UTF_8);
        System.out.print(json);
    }

    private static Path outputFor(Path input, Path output, Path file) {
        Path out = output.resolve(input.relativize(file.toAbsolutePath().normalize()) + ".terms.json");
        try {
            Files.createDirectories(out.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}

package io.patternkit.samples.indexing;

import static io.patternkit.samples.SampleSupport.say;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.patternkit.core.SidecarConfig;
import io.patternkit.protocol.Wire;
import io.patternkit.samples.SampleSupport;
import io.patternkit.testing.AppProcess;
import io.patternkit.testing.SidecarProcess;
import io.patternkit.workqueue.DeadLetter;
import io.patternkit.workqueue.Enqueue;
import io.patternkit.workqueue.EnqueueResult;
import io.patternkit.workqueue.QueueStats;
import io.patternkit.workqueue.WorkQueue;
import io.patternkit.workqueue.WorkQueueClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job: index a real corpus through the work queue, in the shape of Burns and
 * Oppenheimer's work-queue pattern. A producer enqueues one item per source file (dedup key = the
 * path); several worker replicas, each an app process with its own sidecar process, all sidecars
 * sharing one embedded SQLite engine, turn each file into a file of term statistics. With
 * {@code --kill-worker} one worker is killed with {@code kill -9} mid-run; its claimed items come
 * back after their visibility timeout and the summary still shows nothing lost.
 */
@Command(name = "index-corpus", mixinStandardHelpOptions = true,
        description = "Indexes a corpus of Java sources through a Patternkit work queue.")
public final class IndexCorpus implements Callable<Integer> {
    private static final String QUEUE = "corpus";

    @Option(names = "--corpus", description = "A zip or directory of sources (default: the installed JDK's lib/src.zip).")
    Path corpus;

    @Option(names = "--limit", defaultValue = "0", description = "Index at most this many files, 0 for all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--workers", defaultValue = "2", description = "Worker replicas, each with its own sidecar (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--kill-worker", description = "Kill one worker with kill -9 a third of the way through.")
    boolean killWorker;

    @Option(names = "--work-dir", defaultValue = "target/index-corpus",
            description = "Where the extracted corpus, outputs, engine file and logs go; emptied first (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--concurrency", defaultValue = "2", description = "Handlers per worker (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--batch", defaultValue = "16", description = "Items claimed per call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--timeout", defaultValue = "PT30M", description = "Give up after this long, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--sidecar-jar", description = "The sidecar's executable jar (default: sidecar/target/patternkit-sidecar.jar, searched upwards).")
    Path sidecarJar;

    /**
     * Runs the job; exits 0 when nothing was lost, 1 otherwise.
     *
     * @param args command-line options; see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new IndexCorpus()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path work = SampleSupport.emptied(workDir);
        Path source = Corpus.sourceOrJdk(corpus);
        say("corpus %s", source);
        Corpus input = Corpus.prepare(source, work.resolve("input"), limit);
        say("%d files under %s", input.files().size(), input.root());

        List<SidecarProcess> sidecars = new ArrayList<>();
        List<AppProcess> workerProcs = new ArrayList<>();
        try {
            SidecarProcess producerSidecar = startSidecar(work, sidecars);
            for (int i = 0; i < workers; i++) {
                workerProcs.add(startWorker(i, startSidecar(work, sidecars), input.root(), work));
            }
            try (WorkQueueClient client = WorkQueueClient.create(
                    SidecarConfig.builder().baseUrl(producerSidecar.baseUrl()).build())) {
                WorkQueue queue = client.queue(QUEUE);
                long started = System.nanoTime();
                long enqueued = enqueueAll(queue, input);
                boolean killed = awaitSettled(queue, enqueued, started, workerProcs);
                double seconds = (System.nanoTime() - started) / 1e9;
                stopWorkers(workerProcs);
                RunSummary summary = summarize(queue, input, work, enqueued, seconds, killed);
                print(summary);
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValue(work.resolve("summary.json").toFile(), summary);
                return summary.lost() == 0 ? 0 : 1;
            }
        } finally {
            workerProcs.stream().filter(AppProcess::isAlive).forEach(AppProcess::kill);
            sidecars.forEach(SidecarProcess::close);
        }
    }

    private SidecarProcess startSidecar(Path work, List<SidecarProcess> sidecars) {
        // A job of minutes: the JVM's full tiered compilation, not the quick-start settings for tests.
        SidecarProcess.Builder builder = SidecarProcess.run("workqueue").dataDir(work.resolve("data"))
                .jvmArgs("-XX:+UseSerialGC", "-Xmx256m");
        if (sidecarJar != null) {
            builder.jar(sidecarJar);
        }
        SidecarProcess sidecar = builder.build();
        sidecars.add(sidecar);
        sidecar.start();
        say("sidecar %d at %s (pid %d, log %s)", sidecars.size(), sidecar.baseUrl(), sidecar.pid(), sidecar.logFile());
        return sidecar;
    }

    private AppProcess startWorker(int index, SidecarProcess sidecar, Path inputRoot, Path work) throws IOException {
        Path logs = Files.createDirectories(work.resolve("logs"));
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"),
                IndexWorker.class.getName(),
                "--queue", QUEUE,
                "--input-root", inputRoot.toString(),
                "--output-root", work.resolve("output").toString(),
                "--ledger", work.resolve("ledger-" + index + ".tsv").toString(),
                "--concurrency", Integer.toString(concurrency),
                "--batch", Integer.toString(batch));
        AppProcess worker = AppProcess.start("worker-" + index, command, Map.of(Wire.ENV_SIDECAR_URL, sidecar.baseUrl().toString()),
                logs.resolve("worker-" + index + ".log"), new AppProcess.Events());
        say("worker %d (pid %d) uses sidecar %s", index, worker.pid(), sidecar.baseUrl());
        return worker;
    }

    private long enqueueAll(WorkQueue queue, Corpus input) {
        List<Enqueue> items = input.files().stream()
                .map(f -> Enqueue.file(f).dedupKey(input.root().relativize(f).toString()))
                .toList();
        long enqueued = 0;
        for (int from = 0; from < items.size(); from += 500) {
            List<EnqueueResult> results = queue.enqueueAll(items.subList(from, Math.min(items.size(), from + 500)));
            enqueued += results.stream().filter(r -> !r.duplicate()).count();
        }
        say("enqueued %d items", enqueued);
        return enqueued;
    }

    private boolean awaitSettled(WorkQueue queue, long enqueued, long started, List<AppProcess> workerProcs)
            throws InterruptedException {
        long deadline = started + timeout.toNanos();
        boolean killed = false;
        while (true) {
            QueueStats stats = queue.stats();
            long settled = stats.acked() + stats.dead();
            double elapsed = (System.nanoTime() - started) / 1e9;
            say("[%6.1fs] settled %d/%d  acked %d  dead %d  in flight %d  ready %d  delayed %d  %.0f items/s",
                    elapsed, settled, enqueued, stats.acked(), stats.dead(), stats.inFlight(), stats.ready(),
                    stats.delayed(), settled / Math.max(elapsed, 1e-3));
            if (killWorker && !killed && settled >= enqueued / 3 && workerProcs.size() > 1) {
                AppProcess victim = workerProcs.get(workerProcs.size() - 1);
                victim.kill();
                killed = true;
                say("killed worker %d (pid %d) with kill -9; its claimed items return after their visibility timeout",
                        workerProcs.size() - 1, victim.pid());
            }
            if (settled >= enqueued && stats.inFlight() == 0 && stats.ready() == 0 && stats.delayed() == 0) {
                return killed;
            }
            if (System.nanoTime() > deadline) {
                say("timed out after %s", timeout);
                return killed;
            }
            TimeUnit.SECONDS.sleep(1); // progress-line cadence, not synchronisation
        }
    }

    /** SIGTERM to every worker at once (each drains: finishes or releases its claimed items), SIGKILL after 20 s. */
    private static void stopWorkers(List<AppProcess> workerProcs) {
        workerProcs.parallelStream().forEach(w -> w.terminate(Duration.ofSeconds(20)));
    }

    private RunSummary summarize(WorkQueue queue, Corpus input, Path work, long enqueued, double seconds,
            boolean killed) throws IOException {
        QueueStats stats = queue.stats();
        List<DeadLetter> dead = queue.deadLetters(1000);
        Set<String> deadKeys = new HashSet<>();
        dead.forEach(d -> d.dedupKey().ifPresent(deadKeys::add));
        Map<String, Integer> completions = new HashMap<>();
        Set<String> redelivered = new HashSet<>();
        try (Stream<Path> ledgers = Files.list(work).filter(p -> p.getFileName().toString().startsWith("ledger-"))) {
            for (Path ledger : ledgers.toList()) {
                for (String line : Files.readAllLines(ledger)) {
                    String[] parts = line.split("\t", 2);
                    if (parts.length == 2) {
                        completions.merge(parts[1], 1, Integer::sum);
                        if (Integer.parseInt(parts[0]) > 1) {
                            redelivered.add(parts[1]);
                        }
                    }
                }
            }
        }
        Path outputs = work.resolve("output");
        long lost = input.files().stream()
                .map(f -> input.root().relativize(f).toString())
                .filter(rel -> !deadKeys.contains(rel) && !Files.isRegularFile(outputs.resolve(rel + ".terms.json")))
                .count();
        long twice = completions.values().stream().filter(n -> n > 1).count();
        List<String> reasons = dead.stream().sorted(Comparator.comparing(DeadLetter::id))
                .map(d -> d.dedupKey().orElse(d.id()) + ": " + d.reason()).limit(10).toList();
        return new RunSummary(input.files().size(), enqueued, stats.acked(), redelivered.size(), twice,
                stats.dead(), lost, seconds, (stats.acked() + stats.dead()) / Math.max(seconds, 1e-3), killed, reasons);
    }

    private static void print(RunSummary s) {
        say("");
        say("summary");
        say("  files            %d", s.files());
        say("  enqueued         %d", s.enqueued());
        say("  processed        %d", s.processed());
        say("  redelivered      %d", s.redelivered());
        say("  processed twice  %d  (at-least-once: a worker died after its handler ran, before its ack)", s.processedTwice());
        say("  dead-lettered    %d", s.deadLettered());
        s.deadLetterReasons().forEach(r -> say("      %s", r));
        say("  lost             %d", s.lost());
        say("  worker killed    %s", s.killedWorker() ? "yes (kill -9)" : "no");
        say("  time             %.1f s", s.seconds());
        say("  rate             %.0f items/s", s.itemsPerSecond());
    }


}

package io.patternkit.samples.indexing;

import static io.patternkit.samples.SampleSupport.say;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
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
 * {@code --kill-worker} one worker is killed with {@code kill -9} a third of the way through; its
 * claimed items come back after their visibility timeout and the summary still shows nothing lost.
 * With {@code --drain-worker} one worker is replaced, as a Kubernetes rolling update does: a new
 * replica starts with the run, and halfway through the old worker and its sidecar get SIGTERM at the
 * same moment; the
 * worker drains (finishes or releases what it holds) while its sidecar keeps serving it, and the
 * summary prints what the drain released and that nothing was left to wait out a visibility timeout.
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

    @Option(names = "--drain-worker",
            description = "Replace worker 0 as a rolling update does: a new worker starts with the run, "
                + "and halfway through worker 0 and its sidecar get SIGTERM at once.")
    boolean drainWorker;

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

    // C1 only: the sidecar spends its time in SQLite and the network, not in hot Java loops, so C2's compilations
    // cost more CPU over a job of seconds to minutes than they save (docs/benchmarks.md, section 11).
    @Option(names = "--sidecar-jvm-args", defaultValue = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m",
            description = "The sidecars' JVM options, separated by spaces (default: ${DEFAULT-VALUE}).")
    String sidecarJvmArgs;

    // C1 only for the workers too: each worker JVM would compile the handler's hot code with C2 again, which on two
    // cores costs more CPU than C2's faster code saves in a job of seconds (docs/workqueue.md, "Choosing settings").
    @Option(names = "--worker-jvm-args", defaultValue = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m",
            description = "The workers' JVM options, separated by spaces (default: ${DEFAULT-VALUE}).")
    String workerJvmArgs;

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

        List<SidecarProcess> sidecars = Collections.synchronizedList(new ArrayList<>()); // the surge adds one
        List<AppProcess> workerProcs = new ArrayList<>();
        AppProcess.Events events = new AppProcess.Events();
        try {
            SidecarProcess producerSidecar = startSidecar(work, sidecars);
            for (int i = 0; i < workers; i++) {
                workerProcs.add(startWorker(i, startSidecar(work, sidecars), input.root(), work, events));
            }
            try (WorkQueueClient client = WorkQueueClient.create(
                    SidecarConfig.builder().baseUrl(producerSidecar.baseUrl()).build())) {
                WorkQueue queue = client.queue(QUEUE);
                long started = System.nanoTime();
                long enqueued = enqueueAll(queue, input);
                Run run = new Run(work, input, sidecars, workerProcs, events);
                if (drainWorker) {
                    run.startReplacement();
                }
                awaitSettled(queue, enqueued, started, run);
                double seconds = (System.nanoTime() - started) / 1e9;
                run.adoptReplacement();
                stopWorkers(workerProcs);
                RunSummary summary = summarize(queue, input, work, enqueued, seconds, run);
                print(summary);
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValue(work.resolve("summary.json").toFile(), summary);
                boolean drainClean = summary.drain() == null || summary.drain().stranded() == 0;
                return summary.lost() == 0 && drainClean ? 0 : 1;
            }
        } finally {
            workerProcs.stream().filter(AppProcess::isAlive).forEach(AppProcess::kill);
            List.copyOf(sidecars).forEach(SidecarProcess::close);
        }
    }

    /** The replicas of one run and the faults injected so far. Sidecar {@code i + 1} serves worker {@code i}. */
    private final class Run {
        final Path work;
        final Corpus input;
        final List<SidecarProcess> sidecars;
        final List<AppProcess> workers;
        final AppProcess.Events events;
        boolean killed;
        boolean inspected;
        CompletableFuture<AppProcess> replacement;
        WorkerDrain drain;

        Run(Path work, Corpus input, List<SidecarProcess> sidecars, List<AppProcess> workers, AppProcess.Events events) {
            this.work = work;
            this.input = input;
            this.sidecars = sidecars;
            this.workers = workers;
            this.events = events;
        }

        /**
         * The surge of a rolling update: the replacement replica starts (in the background: a sidecar and a
         * JVM take seconds) before the old one is told to stop.
         */
        void startReplacement() {
            int index = workers.size();
            replacement = CompletableFuture.supplyAsync(() -> {
                try {
                    return startWorker(index, startSidecar(work, sidecars), input.root(), work, events);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        /**
         * The rest of a rolling update: SIGTERM to worker 0 and its sidecar at the same moment, as the
         * kubelet sends it to every container of a pod, and the worker's drain report once it has exited.
         */
        /** Counts the replacement among the workers once it is up (at the latest when the run ends). */
        void adoptReplacement() {
            if (replacement != null && !workers.contains(replacement.join())) {
                workers.add(replacement.join());
            }
        }

        void terminateFirstWorker() throws InterruptedException {
            adoptReplacement(); // a rolling update stops the old replica once the new one is up
            AppProcess old = workers.get(0);
            SidecarProcess oldSidecar = sidecars.get(1);
            say("SIGTERM to worker 0 (pid %d) and its sidecar (pid %d) at once; the worker drains, the sidecar "
                    + "serves it until it has", old.pid(), oldSidecar.pid());
            CompletableFuture<Integer> sidecarExit = CompletableFuture.supplyAsync(
                    () -> oldSidecar.terminate(Duration.ofSeconds(60)));
            int workerExit = old.terminate(Duration.ofSeconds(60));
            AppProcess.Event drained = events.await("worker 0's drain report", e -> e.app().equals(old.name())
                    && e.is("DRAINED"), 1, Duration.ofSeconds(5)).get(0);
            drain = WorkerDrain.of(drained, sidecarExit.join());
            say("worker 0 drained in %d ms of %d ms: %d completed, %d released, %d stranded (exit %d); "
                    + "its sidecar exited with %d", drain.tookMs(), drain.deadlineMs(), drain.completed(),
                    drain.released(), drain.stranded(), workerExit, drain.sidecarExit());
        }
    }

    private SidecarProcess startSidecar(Path work, List<SidecarProcess> sidecars) {
        // As in production: on SIGTERM the sidecar serves its worker until the worker has drained.
        // scale: "replicate yourself", which answers 501 here (no Kubernetes, no --scale-max) and the worker goes on.
        SidecarProcess.Builder builder = SidecarProcess.run("workqueue", "scale").dataDir(work.resolve("data"))
                .jvmArgs(jvmOptions(sidecarJvmArgs).toArray(String[]::new)).appDrainTimeout(Duration.ofSeconds(25));
        if (sidecarJar != null) {
            builder.jar(sidecarJar);
        }
        SidecarProcess sidecar = builder.build();
        sidecars.add(sidecar);
        sidecar.start();
        say("sidecar %d at %s (pid %d, log %s)", sidecars.size(), sidecar.baseUrl(), sidecar.pid(), sidecar.logFile());
        return sidecar;
    }

    /** JVM options given as one string, separated by spaces; none when it is blank. */
    private static List<String> jvmOptions(String options) {
        return options.isBlank() ? List.of() : List.of(options.trim().split("\\s+"));
    }

    private AppProcess startWorker(int index, SidecarProcess sidecar, Path inputRoot, Path work,
            AppProcess.Events events) throws IOException {
        Path logs = Files.createDirectories(work.resolve("logs"));
        List<String> command = AppProcess.javaMain(jvmOptions(workerJvmArgs), IndexWorker.class, List.of(
                "--queue", QUEUE,
                "--input-root", inputRoot.toString(),
                "--output-root", work.resolve("output").toString(),
                "--ledger", work.resolve("ledger-" + index + ".tsv").toString(),
                "--concurrency", Integer.toString(concurrency),
                "--batch", Integer.toString(batch)));
        AppProcess worker = AppProcess.start("worker-" + index, command, Map.of(Wire.ENV_SIDECAR_URL, sidecar.baseUrl().toString()),
                logs.resolve("worker-" + index + ".log"), events);
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

    private void awaitSettled(WorkQueue queue, long enqueued, long started, Run run)
            throws InterruptedException, IOException {
        long deadline = started + timeout.toNanos();
        List<AppProcess> workerProcs = run.workers;
        while (true) {
            QueueStats stats = queue.stats();
            long settled = stats.acked() + stats.dead();
            double elapsed = (System.nanoTime() - started) / 1e9;
            say("[%6.1fs] settled %d/%d  acked %d  dead %d  in flight %d  ready %d  delayed %d  %.0f items/s",
                    elapsed, settled, enqueued, stats.acked(), stats.dead(), stats.inFlight(), stats.ready(),
                    stats.delayed(), settled / Math.max(elapsed, 1e-3));
            if (killWorker && !run.killed && settled >= enqueued / 3 && workerProcs.size() > 1) {
                AppProcess victim = workerProcs.get(1);
                victim.kill();
                run.killed = true;
                say("killed worker 1 (pid %d) with kill -9; its claimed items return after their visibility timeout",
                        victim.pid());
            }
            if (drainWorker && run.drain == null && settled >= enqueued / 2) {
                run.terminateFirstWorker();
            }
            if (!run.inspected && settled >= enqueued * 2 / 3) {
                run.inspected = true;
                for (int i = workerProcs.size() - 1; i >= 0; i--) {
                    if (workerProcs.get(i).isAlive()) {
                        inspect(workerProcs.get(i), run.events);
                        break;
                    }
                }
            }
            if (settled >= enqueued && stats.inFlight() == 0 && stats.ready() == 0 && stats.delayed() == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                say("timed out after %s", timeout);
                return;
            }
            TimeUnit.SECONDS.sleep(1); // progress-line cadence, not synchronisation
        }
    }

    /**
     * The upward API of a live worker, while it works: its three probes with their named checks, its info
     * (the consumer's counts), its redacted config, its Prometheus metrics, its recent logs, its thread dump and
     * a short JFR profile, read over its management server as an orchestrator or an operator would.
     */
    private static void inspect(AppProcess worker, AppProcess.Events events) throws IOException, InterruptedException {
        Optional<AppProcess.Event> announced = events.matching(e -> e.app().equals(worker.name()) && e.is("MANAGEMENT"))
                .stream().findFirst();
        if (announced.isEmpty() || !worker.isAlive()) {
            return;
        }
        URI base = URI.create(announced.get().field("url").orElseThrow());
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        for (String probe : List.of("started", "live", "ready")) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve("/patternkit/health/" + probe)).build(),
                    HttpResponse.BodyHandlers.ofString());
            List<String> checks = new ArrayList<>();
            json.readTree(answer.body()).get("checks").forEach(c -> checks.add(c.get("name").asText() + " " + c.get("status").asText()));
            say("%s's %s probe: %d %s", worker.name(), probe, answer.statusCode(), checks);
        }
        events.matching(e -> e.app().equals(worker.name()) && e.is("SCALE")).stream().findFirst().ifPresent(e ->
                say("%s asked its sidecar for %s replicas (replicate yourself): %s%s", worker.name(),
                        e.field("asked").orElse("?"), e.field("outcome").orElse("?"), e.field("status")
                                .map(st -> " (" + st + ": not on Kubernetes with --scale-max)").orElse("")));
        JsonNode consumer = json.readTree(get(http, base, "/patternkit/info")).get("contributions")
                .get("work-queue consumer of " + QUEUE);
        say("%s's info: consumer of %s running %s, processed %d, in flight %d, batch %d, visibility %d ms", worker.name(),
                QUEUE, consumer.get("running").asText(), consumer.get("stats").get("processed").asLong(),
                consumer.get("stats").get("inFlight").asLong(), consumer.get("batchSize").asInt(),
                consumer.get("visibilityTimeoutMs").asLong());
        JsonNode env = json.readTree(get(http, base, "/patternkit/config")).get("environment");
        List<String> settings = new ArrayList<>();
        env.fieldNames().forEachRemaining(settings::add);
        String scrape = get(http, base, "/patternkit/metrics");
        String processed = scrape.lines().filter(l -> l.startsWith("patternkit_workqueue_consumer_processed_total"))
                .findFirst().orElse("patternkit_workqueue_consumer_processed_total missing");
        JsonNode logLines = json.readTree(get(http, base, "/patternkit/logs?lines=1000")).get("lines");
        String rootLevel = json.readTree(get(http, base, "/patternkit/loggers")).get("loggers").get("ROOT")
                .get("effectiveLevel").asText();
        say("%s's config: %s; metrics: %d lines, %s; logs: %d recent lines (root logger at %s)", worker.name(),
                settings, scrape.lines().count(), processed, logLines.size(), rootLevel);
        JsonNode dump = json.readTree(get(http, base, "/patternkit/threads?depth=4"));
        JsonNode top = dump.get("threads").get(0);
        say("%s's thread dump: %d threads, deadlocked %d; most blocked: %s (%d times, %s ms)",
                worker.name(), dump.get("threadCount").asInt(), dump.get("deadlocked").size(),
                top.get("name").asText(), top.get("blockedCount").asLong(), top.path("blockedTimeMs").asText("?"));
        JsonNode profile = json.readTree(get(http, base, "/patternkit/profile?seconds=2&format=summary"));
        JsonNode hottest = profile.get("hottestMethods").path(0);
        say("%s's 2 s JFR profile: %d samples; hottest method %s (%s of samples); most contended monitor %s",
                worker.name(), profile.get("executionSamples").asLong(), hottest.path("method").asText("-"),
                hottest.path("share").asText("-"), profile.get("contendedMonitors").path(0).path("monitorClass").asText("none"));
    }

    private static String get(HttpClient http, URI base, String path) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return answer.body();
    }

    /** SIGTERM to every worker at once (each drains: finishes or releases its claimed items), SIGKILL after 20 s. */
    private static void stopWorkers(List<AppProcess> workerProcs) {
        workerProcs.parallelStream().forEach(w -> w.terminate(Duration.ofSeconds(20)));
    }

    private RunSummary summarize(WorkQueue queue, Corpus input, Path work, long enqueued, double seconds, Run run)
            throws IOException {
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
                stats.dead(), lost, seconds, (stats.acked() + stats.dead()) / Math.max(seconds, 1e-3), run.killed,
                run.drain, reasons);
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
        if (s.drain() != null) {
            WorkerDrain d = s.drain();
            say("  worker drained   yes (SIGTERM to the worker and its sidecar at once)");
            say("      drain time              %d ms of a %d ms deadline", d.tookMs(), d.deadlineMs());
            say("      completed during drain  %d", d.completed());
            say("      released on drain       %d", d.released());
            say("      left to wait out their visibility timeout  %d  (must be 0)", d.stranded());
            say("      sidecar exit            %d  (143: drained after its app, on SIGTERM)", d.sidecarExit());
        }
        say("  time             %.1f s", s.seconds());
        say("  rate             %.0f items/s", s.itemsPerSecond());
    }


}

package io.patternkit.samples.indexing;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.patternkit.core.NotImplementedException;
import io.patternkit.lifecycle.DrainReport;
import io.patternkit.lifecycle.HealthCheck;
import io.patternkit.lifecycle.HealthCheckResult;
import io.patternkit.lifecycle.HealthProbe;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.lifecycle.LifecycleListener;
import io.patternkit.lifecycle.ScaleClient;
import io.patternkit.lifecycle.WorkloadScale;
import io.patternkit.management.ConfigEndpoint;
import io.patternkit.management.LifecycleEndpoints;
import io.patternkit.management.LogsEndpoint;
import io.patternkit.management.ManagementServer;
import io.patternkit.management.MetricsEndpoint;
import io.patternkit.management.ProfileEndpoint;
import io.patternkit.management.ThreadsEndpoint;
import io.patternkit.workqueue.DrainResult;
import io.patternkit.workqueue.WorkHandler;
import io.patternkit.workqueue.WorkItem;
import io.patternkit.workqueue.WorkQueue;
import io.patternkit.workqueue.WorkQueueClient;
import io.patternkit.workqueue.WorkQueueConsumer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * One worker replica of the indexing job: an app process that talks to its own work-queue sidecar
 * (found through {@code PATTERNKIT_SIDECAR_URL}, or {@code PATTERNKIT_WORKQUEUE_URL} when set) and turns each claimed source file into a file
 * of term statistics. It runs until SIGTERM, then drains through its {@link Lifecycle}: it stops
 * claiming, finishes what it can within the drain's share of the deadline and releases the rest at
 * once, closes its client and exits with 143. Its management server (an ephemeral loopback port,
 * announced as {@code EVENT MANAGEMENT url=...}) serves the upward API (probes with named checks, info,
 * redacted config, Prometheus metrics, recent logs and logger levels, a thread dump with lock contention and a
 * JFR profile on demand) and the drain. It prints one event line when the drain has ended:
 * {@code EVENT DRAINED completed=<n> released=<n> stranded=<n> tookMs=<ms> deadlineMs=<ms> clean=<bool>}.
 *
 * <p>After each item succeeds it appends {@code attempt<TAB>source} to its ledger, so the run's
 * summary can count redeliveries and items processed more than once (at-least-once delivery).
 */
@Command(name = "index-worker", mixinStandardHelpOptions = true,
        description = "Turns queued Java source files into term-statistics files.")
public final class IndexWorker implements Callable<Integer> {
    @Option(names = "--queue", defaultValue = "corpus", description = "Queue name (default: ${DEFAULT-VALUE}).")
    String queueName;

    @Option(names = "--input-root", required = true, description = "Directory the queued file references live under.")
    Path inputRoot;

    @Option(names = "--output-root", required = true, description = "Directory for the .terms.json outputs.")
    Path outputRoot;

    @Option(names = "--ledger", required = true, description = "File this worker appends one line per processed item to.")
    Path ledger;

    @Option(names = "--concurrency", defaultValue = "2", description = "Handlers running at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--batch", defaultValue = "16", description = "Items claimed per call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--visibility", defaultValue = "PT5S",
            description = "Visibility timeout, ISO-8601 (default: ${DEFAULT-VALUE}); extended automatically while an item runs.")
    Duration visibility;

    @Option(names = "--drain-deadline", defaultValue = "PT10S",
            description = "How long the drain on SIGTERM may take, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration drainDeadline;

    @Option(names = "--max-file-bytes", defaultValue = "524288",
            description = "Larger sources are dead-lettered (default: ${DEFAULT-VALUE}).")
    long maxFileBytes;

    /**
     * Runs a worker.
     *
     * @param args command-line options; see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new IndexWorker()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(outputRoot);
        Path root = inputRoot.toAbsolutePath().normalize();
        WorkHandler stage = WorkHandler.fileStage(new TermStatsStage(maxFileBytes), input -> outputFor(root, input));
        // One registry for the app's meters and Patternkit's, scraped at /patternkit/metrics.
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Lifecycle lifecycle = Lifecycle.builder().drainDeadline(drainDeadline).meterRegistry(registry).build();
        lifecycle.registerHealthCheck(HealthProbe.LIVENESS, "no deadlock", HealthCheck.noDeadlockedThreads());
        lifecycle.registerHealthCheck(HealthProbe.STARTUP, "output root writable", () -> Files.isWritable(outputRoot)
                ? HealthCheckResult.healthy() : HealthCheckResult.unhealthy("cannot write " + outputRoot));
        lifecycle.registerInfo("indexer", () -> Map.of("queue", queueName, "maxFileBytes", maxFileBytes,
                "stage", "Java source -> term statistics (Lucene)"));
        // The upward and downward API over HTTP: probes, info, config, metrics, logs, the drain (a preStop
        // hook), the thread dump and a JFR profile.
        ManagementServer management = ManagementServer.builder().meterRegistry(registry).build().start();
        LifecycleEndpoints.mount(management, lifecycle);
        ThreadsEndpoint.mount(management);
        ProfileEndpoint.mount(management);
        ConfigEndpoint.mount(management);
        MetricsEndpoint.mount(management, registry);
        LogsEndpoint.mount(management);
        // Not closed by the drain: a preStop hook's drain call must still get its answer; the exit closes it.
        System.out.println("EVENT MANAGEMENT url=" + management.baseUrl());
        System.out.flush();
        try (Writer ledgerOut = Files.newBufferedWriter(ledger, StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            WorkQueueClient client = WorkQueueClient.create();
            lifecycle.registerClient("work-queue", client); // readiness follows the sidecar's; the drain closes it
            WorkQueue queue = client.queue(queueName);
            WorkHandler handler = item -> {
                stage.handle(item);
                record(ledgerOut, item, root);
            };
            WorkQueueConsumer consumer = WorkQueueConsumer.builder(queue, handler)
                    .concurrency(concurrency)
                    .batchSize(batch)
                    .visibilityTimeout(visibility)
                    .pollWait(Duration.ofSeconds(2))
                    .lifecycle(lifecycle)
                    .meterRegistry(registry)
                    .build();
            lifecycle.addListener(new LifecycleListener() {
                @Override
                public void onDrained(DrainReport report) {
                    DrainResult r = consumer.drainResult().orElse(new DrainResult(0, 0, 0));
                    System.out.printf("EVENT DRAINED completed=%d released=%d stranded=%d tookMs=%d deadlineMs=%d "
                            + "clean=%s processed=%d%n", r.completed(), r.released(), r.stranded(),
                            report.took().toMillis(), report.notice().budget().toMillis(), report.clean(),
                            consumer.stats().processed());
                    System.out.flush();
                }
            });
            lifecycle.drainOnSigterm();
            askForReplicas(queue);
            consumer.start();
            lifecycle.awaitDrained(Duration.ofDays(365));
        }
        return Lifecycle.SIGTERM_EXIT_STATUS;
    }

    /**
     * "Replicate yourself": asks the sidecar for one replica per 4,000 items waiting (1 to 8). On Kubernetes, with
     * {@code --scale-max}, the sidecar sets the Deployment's replicas; here it answers that it cannot, and the
     * worker goes on with what it has.
     */
    private static void askForReplicas(WorkQueue queue) {
        int wanted = (int) Math.max(1, Math.min(8, queue.stats().ready() / 4_000));
        try (ScaleClient scale = ScaleClient.create()) {
            WorkloadScale set = scale.scaleTo(wanted);
            System.out.printf("EVENT SCALE asked=%d outcome=set replicas=%d clamped=%s%n", wanted, set.replicas(), set.clamped());
        } catch (NotImplementedException e) {
            System.out.printf("EVENT SCALE asked=%d outcome=off status=%d%n", wanted, e.status());
        }
        System.out.flush();
    }

    private Path outputFor(Path root, Path input) {
        Path output = outputRoot.resolve(root.relativize(input.toAbsolutePath().normalize()) + ".terms.json");
        try {
            Files.createDirectories(output.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return output;
    }

    private static void record(Writer ledgerOut, WorkItem item, Path root) throws IOException {
        String source = item.file().map(f -> root.relativize(f.toAbsolutePath().normalize()).toString()).orElse(item.id());
        synchronized (ledgerOut) {
            ledgerOut.write(item.attempt() + "\t" + source + "\n");
            ledgerOut.flush();
        }
    }
}

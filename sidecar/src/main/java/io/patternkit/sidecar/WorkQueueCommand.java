package io.patternkit.sidecar;

import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.http.ApiToken;
import io.patternkit.sidecar.workqueue.Backoff;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code patternkit-sidecar workqueue}: runs the work-queue sidecar until SIGTERM, then drains and
 * exits 0.
 */
@Command(name = "workqueue", mixinStandardHelpOptions = true,
        description = {"Runs the work-queue pattern sidecar (SQS-like visibility timeouts, receipts, dead letters).",
            "Env: PATTERNKIT_API_TOKEN or PATTERNKIT_API_TOKEN_FILE (bearer token for /v1), "
                + "PATTERNKIT_DATA (data dir), PATTERNKIT_JDBC_PASSWORD (PostgreSQL password)."})
public final class WorkQueueCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--engine", defaultValue = "sqlite", description = "Engine: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    WorkQueueSettings.EngineKind engine;

    @Option(names = "--port", defaultValue = "" + Wire.DEFAULT_WORKQUEUE_PORT, description = "Port; 0 for an ephemeral one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--data", description = "Data directory of the SQLite file patternkit.db (default: $PATTERNKIT_DATA or ~/.patternkit).")
    Path data;

    @Option(names = "--jdbc-url", description = "PostgreSQL JDBC URL (user and password may be in it), for --engine postgres.")
    String jdbcUrl;

    @Option(names = "--max-body-bytes", defaultValue = "1048576", description = "Largest request body in bytes (default: ${DEFAULT-VALUE}).")
    long maxBodyBytes;

    @Option(names = "--max-item-bytes", defaultValue = "262144", description = "Largest serialised item payload in bytes (default: ${DEFAULT-VALUE}).")
    long maxItemBytes;

    @Option(names = "--backoff-base", defaultValue = "1s", converter = DurationConverter.class,
            description = "First nack backoff; doubles per attempt (default: ${DEFAULT-VALUE}).")
    Duration backoffBase;

    @Option(names = "--backoff-max", defaultValue = "5m", converter = DurationConverter.class,
            description = "Longest nack backoff (default: ${DEFAULT-VALUE}).")
    Duration backoffMax;

    @Option(names = "--dedup-window", defaultValue = "5m", converter = DurationConverter.class,
            description = "How long acked items keep deduplicating before they are purged (default: ${DEFAULT-VALUE}).")
    Duration dedupWindow;

    @Option(names = "--default-max-attempts", defaultValue = "5", description = "maxAttempts of items that do not say (default: ${DEFAULT-VALUE}).")
    int defaultMaxAttempts;

    @Option(names = "--drain-timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "Longest wait for in-flight requests on SIGTERM (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    /**
     * Validates the options, starts the sidecar and blocks until the JVM shuts down.
     *
     * @return never returns normally while the sidecar runs; after SIGTERM the JVM exits (status 143)
     *     once the shutdown hook has drained the sidecar
     * @throws ParameterException when an option is out of range
     * @throws InterruptedException when the main thread is interrupted
     */
    @Override
    public Integer call() throws InterruptedException {
        WorkQueueSettings settings = settings(System.getenv());
        WorkQueueSidecar sidecar = WorkQueueSidecar.start(settings, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sidecar.drainAndClose();
            stopped.countDown();
        }, "patternkit-shutdown"));
        stopped.await();
        return 0;
    }

    WorkQueueSettings settings(Map<String, String> env) {
        require(port >= 0 && port <= 65535, "--port must be 0 to 65535");
        require(maxBodyBytes >= 1024, "--max-body-bytes must be at least 1024");
        require(maxItemBytes >= 1 && maxItemBytes <= maxBodyBytes, "--max-item-bytes must be 1 to --max-body-bytes");
        require(backoffBase.toMillis() >= 1 && backoffBase.toMillis() <= Backoff.MAX_BASE_MS, "--backoff-base must be 1ms to 1d");
        require(backoffMax.compareTo(backoffBase) >= 0, "--backoff-max must not be less than --backoff-base");
        require(defaultMaxAttempts >= 1 && defaultMaxAttempts <= 1000, "--default-max-attempts must be 1 to 1000");
        require(engine != WorkQueueSettings.EngineKind.POSTGRES || jdbcUrl != null, "--engine postgres needs --jdbc-url");
        Path dataDir = data != null ? data
                : env.get(Wire.ENV_DATA) != null ? Path.of(env.get(Wire.ENV_DATA))
                : Path.of(System.getProperty("user.home"), ".patternkit");
        return new WorkQueueSettings(engine, bind, port, dataDir, jdbcUrl, env.get("PATTERNKIT_JDBC_PASSWORD"),
                ApiToken.fromEnvironment(env), maxBodyBytes, maxItemBytes, backoffBase, backoffMax, dedupWindow,
                defaultMaxAttempts, drainTimeout);
    }

    private void require(boolean condition, String message) {
        if (!condition) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}

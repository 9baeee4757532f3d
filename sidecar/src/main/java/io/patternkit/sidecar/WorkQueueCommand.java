package io.patternkit.sidecar;

import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.http.ApiToken;
import io.patternkit.sidecar.workqueue.Backoff;
import io.patternkit.sidecar.workqueue.exec.ExecSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Stack;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code patternkit-sidecar workqueue}: runs the work-queue sidecar until SIGTERM, then drains and
 * exits 0. With {@code --exec-queue Q --exec CMD [ARG...]} it also consumes queue Q itself and runs
 * the command once per item.
 */
@Command(name = "workqueue", mixinStandardHelpOptions = true, sortSynopsis = false,
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
            description = "Longest wait for in-flight requests and running --exec commands on SIGTERM (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--exec-queue", paramLabel = "QUEUE",
            description = "Consume this queue in the sidecar and run the --exec command once per item.")
    String execQueue;

    @Option(names = "--exec-concurrency", paramLabel = "N", defaultValue = "1",
            description = "Most --exec commands running at once (default: ${DEFAULT-VALUE}).")
    int execConcurrency;

    @Option(names = "--exec-timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "Longest run of one --exec command: then SIGTERM, SIGKILL 5s later, and the item is "
                + "nacked for a retry with \"timed out after ...\" (default: ${DEFAULT-VALUE}).")
    Duration execTimeout;

    @Option(names = "--exec-visibility", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "Visibility timeout of the items --exec claims, extended at a third of it while the "
                + "command runs (default: ${DEFAULT-VALUE}).")
    Duration execVisibility;

    // Declared last: the synopsis lists options in declaration order, and --exec must come last.
    @Option(names = "--exec", paramLabel = "COMMAND", arity = "1..*", parameterConsumer = RestOfLine.class,
            description = {"The command run per item of --exec-queue, with its arguments: everything after --exec, "
                + "so it must come last. Run directly, without a shell; use sh -c 'SCRIPT' for one. Environment: "
                + "WORK_ITEM_ID, WORK_ITEM_ATTEMPT (1 on the first delivery), WORK_ITEM_FILE (the item's fileRef), "
                + "WORK_ITEM_PAYLOAD_FILE (a temporary file holding the JSON payload, deleted afterwards).",
                "Exit status (sysexits.h): 0 acks the item; 65 (EX_DATAERR) dead-letters it at once; "
                + "75 (EX_TEMPFAIL) or any other status nacks it for a retry with backoff. The reason kept with "
                + "the item is \"exit status N: <last stderr line>\"."})
    List<String> execCommand;

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
                defaultMaxAttempts, drainTimeout, exec());
    }

    private Optional<ExecSettings> exec() {
        if (execQueue == null) {
            require(execCommand == null, "--exec needs --exec-queue, the queue whose items it runs on");
            for (String option : List.of("--exec-concurrency", "--exec-timeout", "--exec-visibility")) {
                require(!spec.commandLine().getParseResult().hasMatchedOption(option), option + " needs --exec-queue and --exec");
            }
            return Optional.empty();
        }
        require(execCommand != null, "--exec-queue needs --exec, the command to run per item");
        require(Wire.QUEUE_NAME.matcher(execQueue).matches(), "--exec-queue must be 1 to 128 letters, digits, '.', '_' or '-'");
        require(execConcurrency >= 1 && execConcurrency <= Wire.MAX_BATCH, "--exec-concurrency must be 1 to " + Wire.MAX_BATCH);
        require(execTimeout.toMillis() >= 1, "--exec-timeout must be at least 1ms");
        require(execVisibility.toMillis() >= 3 && execVisibility.toMillis() <= Wire.MAX_VISIBILITY_MS,
                "--exec-visibility must be 3ms to 12h");
        return Optional.of(new ExecSettings(execQueue, execCommand, execConcurrency, execTimeout, execVisibility,
                ExecSettings.DEFAULT_KILL_GRACE));
    }

    private void require(boolean condition, String message) {
        if (!condition) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    /**
     * Takes every remaining argument as the value of {@code --exec} (so a command's own options,
     * even {@code -h} or {@code --port}, stay the command's), dropping a leading {@code --}.
     */
    static final class RestOfLine implements IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
            List<String> command = new ArrayList<>();
            while (!args.isEmpty()) {
                command.add(args.pop());
            }
            if (!command.isEmpty() && command.get(0).equals("--")) {
                command.remove(0);
            }
            if (command.isEmpty() || command.get(0).isEmpty()) {
                throw new ParameterException(commandSpec.commandLine(), "--exec needs a command, such as --exec sh -c 'SCRIPT'");
            }
            argSpec.setValue(command);
        }
    }
}

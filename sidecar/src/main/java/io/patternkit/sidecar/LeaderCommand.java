package io.patternkit.sidecar;

import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.http.ApiToken;
import io.patternkit.sidecar.leader.LeaderTiming;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code patternkit-sidecar leader}: runs the leader-election sidecar until SIGTERM, then releases
 * every lease it holds, drains and exits. With {@code --id} it also campaigns itself in
 * {@code --election}, like the Kubernetes {@code leader-elector} sidecar.
 */
@Command(name = "leader", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the leader-election pattern sidecar (leases with client-go's durations, fencing tokens, "
                + "watches that release on disconnect).",
            "Env: PATTERNKIT_API_TOKEN or PATTERNKIT_API_TOKEN_FILE (bearer token), PATTERNKIT_DATA (data dir), "
                + "PATTERNKIT_JDBC_PASSWORD (PostgreSQL password)."})
public final class LeaderCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--engine", defaultValue = "sqlite", description = "Engine: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    LeaderSettings.EngineKind engine;

    @Option(names = "--port", defaultValue = "" + Wire.DEFAULT_LEADER_PORT, description = "Port; 0 for an ephemeral one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--data", description = "Data directory of the SQLite file patternkit.db (default: $PATTERNKIT_DATA or ~/.patternkit).")
    Path data;

    @Option(names = "--jdbc-url", description = "PostgreSQL JDBC URL (user and password may be in it), for --engine postgres.")
    String jdbcUrl;

    @Option(names = "--namespace", description = "Namespace of the Lease objects, for --engine kubernetes (default: the pod's).")
    String namespace;

    @Option(names = "--kube-master", paramLabel = "URL",
            description = "Kubernetes API server URL without credentials (kubectl proxy, tests); default: in-cluster configuration.")
    String kubeMaster;

    @Option(names = "--lease-duration", defaultValue = "15s", converter = DurationConverter.class,
            description = "How long other candidates wait after the holder's last renew before taking over (default: ${DEFAULT-VALUE}).")
    Duration leaseDuration;

    @Option(names = "--renew-deadline", defaultValue = "10s", converter = DurationConverter.class,
            description = "How long after its last successful renew a holder still counts as leader; shorter than "
                + "--lease-duration (default: ${DEFAULT-VALUE}).")
    Duration renewDeadline;

    @Option(names = "--retry-period", defaultValue = "2s", converter = DurationConverter.class,
            description = "How often holders renew and candidates retry; shorter than --renew-deadline (default: ${DEFAULT-VALUE}).")
    Duration retryPeriod;

    @Option(names = "--election", defaultValue = "default",
            description = "The election GET / reports, and the sidecar campaigns in with --id (default: ${DEFAULT-VALUE}).")
    String election;

    @Option(names = "--id", description = "Campaign in --election as this candidate, renewing on its own "
            + "(the leader-elector drop-in; apps then only read GET /).")
    String id;

    @Option(names = "--max-body-bytes", defaultValue = "65536", description = "Largest request body in bytes (default: ${DEFAULT-VALUE}).")
    long maxBodyBytes;

    @Option(names = "--drain-timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "Longest wait for releases and in-flight requests on SIGTERM (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    /**
     * Validates the options, starts the sidecar and blocks until the JVM shuts down.
     *
     * @return never returns normally while the sidecar runs; after SIGTERM the JVM exits once the
     *     shutdown hook has released the leases and drained the sidecar
     * @throws ParameterException when an option is out of range
     * @throws InterruptedException when the main thread is interrupted
     */
    @Override
    public Integer call() throws InterruptedException {
        LeaderSettings settings = settings(System.getenv());
        LeaderSidecar sidecar = LeaderSidecar.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sidecar.drainAndClose();
            stopped.countDown();
        }, "patternkit-shutdown"));
        stopped.await();
        return 0;
    }

    LeaderSettings settings(Map<String, String> env) {
        require(port >= 0 && port <= 65535, "--port must be 0 to 65535");
        require(maxBodyBytes >= 1024, "--max-body-bytes must be at least 1024");
        require(engine != LeaderSettings.EngineKind.POSTGRES || jdbcUrl != null, "--engine postgres needs --jdbc-url");
        require(Wire.ELECTION_NAME.matcher(election).matches(),
                "--election must be 1 to 63 lower-case letters, digits, '-' or '.', starting and ending with a letter or digit");
        require(id == null || Wire.CANDIDATE_ID.matcher(id).matches(),
                "--id must be 1 to 253 letters, digits, '.', '_', ':', '@' or '-', starting with a letter or digit");
        LeaderTiming timing;
        try {
            timing = new LeaderTiming(leaseDuration, renewDeadline, retryPeriod);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Path dataDir = data != null ? data
                : env.get(Wire.ENV_DATA) != null ? Path.of(env.get(Wire.ENV_DATA))
                : Path.of(System.getProperty("user.home"), ".patternkit");
        return new LeaderSettings(engine, bind, port, dataDir, jdbcUrl, env.get("PATTERNKIT_JDBC_PASSWORD"), namespace,
                kubeMaster, timing, election, Optional.ofNullable(id), ApiToken.fromEnvironment(env), maxBodyBytes,
                drainTimeout);
    }

    private void require(boolean condition, String message) {
        if (!condition) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}

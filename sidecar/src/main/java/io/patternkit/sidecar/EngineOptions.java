package io.patternkit.sidecar;

import static io.patternkit.sidecar.common.OptionChecks.require;

import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.common.Ticker;
import io.patternkit.sidecar.engine.kubernetes.KubernetesEngines;
import io.patternkit.sidecar.engine.postgres.PostgresEngines;
import io.patternkit.sidecar.engine.sqlite.SqliteEngines;
import io.patternkit.sidecar.host.EngineFamily;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The engine's command-line options, mixed into every command whose patterns keep state. */
public final class EngineOptions {
    /** Environment variable holding the PostgreSQL password. */
    static final String ENV_JDBC_PASSWORD = "PATTERNKIT_JDBC_PASSWORD";

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--engine", defaultValue = "sqlite",
            description = "Engine: ${COMPLETION-CANDIDATES} (kubernetes serves leader election and checkpoints; default: ${DEFAULT-VALUE}).")
    EngineSettings.EngineKind engine;

    @Option(names = "--data", description = "Data directory of the SQLite file patternkit.db (default: $PATTERNKIT_DATA or ~/.patternkit).")
    Path data;

    @Option(names = "--jdbc-url", description = "PostgreSQL JDBC URL, jdbc:postgresql://HOST[:PORT]/DB?user=USER "
            + "(the password in $PATTERNKIT_JDBC_PASSWORD, or ?password=), for --engine postgres.")
    String jdbcUrl;

    @Option(names = "--namespace", description = "Namespace of the Lease objects, for --engine kubernetes (default: the pod's).")
    String namespace;

    @Option(names = "--kube-master", paramLabel = "URL",
            description = "Kubernetes API server URL without credentials (kubectl proxy, tests), for --engine kubernetes and --scale-max; default: in-cluster configuration.")
    String kubeMaster;

    /**
     * Checks the options and reads the data directory and password from the environment.
     *
     * @param env the environment, such as {@link System#getenv()}
     * @return the settings
     * @throws picocli.CommandLine.ParameterException when PostgreSQL is chosen without a URL, or with one that is not
     *     pgjdbc's (the message never quotes the URL, which may hold a password)
     */
    EngineSettings settings(Map<String, String> env) {
        require(mixee, engine != EngineSettings.EngineKind.POSTGRES || jdbcUrl != null, "--engine postgres needs --jdbc-url");
        if (jdbcUrl != null) {
            require(mixee, jdbcUrl.startsWith("jdbc:postgresql:"), "--jdbc-url must start with jdbc:postgresql:");
            int query = jdbcUrl.indexOf('?');
            String beforeQuery = query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
            require(mixee, !beforeQuery.contains("@"), "--jdbc-url must not hold USER:PASSWORD@ before its host, which "
                    + "pgjdbc does not read (it would quote the URL, password and all, in its error): give ?user=USER and "
                    + "the password in $" + ENV_JDBC_PASSWORD);
        }
        Path dataDir = data != null ? data
                : env.get(Wire.ENV_DATA) != null ? Path.of(env.get(Wire.ENV_DATA))
                : Path.of(System.getProperty("user.home"), ".patternkit");
        return new EngineSettings(engine, dataDir, jdbcUrl, env.get(ENV_JDBC_PASSWORD), namespace, kubeMaster);
    }

    /**
     * The engine the settings name, not yet opened (it opens when a pattern first asks for it).
     *
     * @param settings the engine settings
     * @param ticker the monotonic clock (Kubernetes times observed leases with it)
     * @return the engine
     */
    static EngineFamily family(EngineSettings settings, Ticker ticker) {
        return switch (settings.kind()) {
            case SQLITE -> SqliteEngines.onMachineClock(settings.dataDir());
            case POSTGRES -> new PostgresEngines(settings.jdbcUrl(), settings.jdbcPassword());
            case KUBERNETES -> new KubernetesEngines(settings.kubeMaster(), settings.namespace(), ticker);
        };
    }
}

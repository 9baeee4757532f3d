package io.patternkit.sidecar.host;

import static io.patternkit.sidecar.common.OptionChecks.require;

import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.common.DurationConverter;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The host's command-line options, the same for every command ({@code run} and each pattern's
 * shorthand): where to listen, how large a body may be, and how long to drain. The port and the
 * body limit have defaults of the command's own, given by {@link #defaults}.
 */
public final class HostOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--port", description = "Port; 0 for an ephemeral one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--max-body-bytes", description = "Largest request body in bytes (default: ${DEFAULT-VALUE}).")
    long maxBodyBytes;

    @Option(names = "--drain-timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "Longest drain on SIGTERM: the patterns' own work (--exec commands), then releases and "
                + "in-flight requests (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--app-drain-timeout", defaultValue = "25s", converter = DurationConverter.class,
            description = "On SIGTERM, keep serving the app beside the sidecar (its loopback connections) until it has "
                + "closed them, for at most this long, then drain; Kubernetes signals the app and a plain sidecar "
                + "container at once. 0 drains at once (default: ${DEFAULT-VALUE}).")
    Duration appDrainTimeout;

    @Option(names = "--idle-timeout", defaultValue = "30s", converter = DurationConverter.class,
            description = "Closes a connection that sends and receives nothing this long (a client stuck mid-body); "
                + "longer than the 20 s longest long-poll (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--max-connections", defaultValue = "1024",
            description = "Most connections served at once; further ones are closed at once (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    /**
     * The defaults of a command's {@code --port} and {@code --max-body-bytes}, for its
     * {@code defaultValueProvider}.
     *
     * @param argSpec the option picocli asks about
     * @param port the command's default port
     * @param maxBodyBytes the command's default body limit in bytes
     * @return the default, or null for an option that is not the host's
     */
    public static String defaults(ArgSpec argSpec, int port, long maxBodyBytes) {
        if (argSpec instanceof OptionSpec option) {
            switch (option.longestName()) {
                case "--port":
                    return Integer.toString(port);
                case "--max-body-bytes":
                    return Long.toString(maxBodyBytes);
                default:
                    return null;
            }
        }
        return null;
    }

    /**
     * Checks the options and reads the API token from the environment.
     *
     * @param env the environment, such as {@link System#getenv()}
     * @return the settings
     * @throws picocli.CommandLine.ParameterException when an option is out of range
     */
    public HostSettings settings(Map<String, String> env) {
        require(mixee, port >= 0 && port <= 65535, "--port must be 0 to 65535");
        require(mixee, maxBodyBytes >= 1024, "--max-body-bytes must be at least 1024");
        require(mixee, idleTimeout.toMillis() > Wire.MAX_WAIT_MS, "--idle-timeout must be longer than the 20s longest long-poll");
        require(mixee, maxConnections >= 1, "--max-connections must be at least 1");
        require(mixee, !appDrainTimeout.isNegative(), "--app-drain-timeout must not be negative");
        return new HostSettings(bind, port, ApiToken.fromEnvironment(env), maxBodyBytes, drainTimeout, idleTimeout,
                maxConnections, appDrainTimeout);
    }
}

package io.patternkit.sidecar.host;

import static io.patternkit.sidecar.common.OptionChecks.require;

import io.patternkit.protocol.Wire;
import io.patternkit.server.security.AuthFailureLimiter;
import io.patternkit.server.security.Loopback;
import io.patternkit.server.security.TlsFiles;
import io.patternkit.sidecar.common.DurationConverter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
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
            description = "Closes a connection that sends and receives nothing this long (a client stuck mid-body), "
                + "or that does not deliver a request's line and headers this long after opening or after the answer "
                + "before, or whose request's body has not arrived whole this long after its headers (answered 408 "
                + "first); longer than the 20 s longest long-poll (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--max-connections", defaultValue = "1024",
            description = "Most connections served at once; further ones are closed at once, and those from off "
                + "loopback once all but an eighth of it (rounded up) are open (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "Serve HTTPS with this PEM certificate chain (the server's certificate first), such as a "
                + "mounted Kubernetes TLS Secret's tls.crt; needs --tls-key. Required when --bind is not loopback.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "The PEM private key of --tls-cert (PKCS#8, PKCS#1 or SEC1, unencrypted), such as tls.key.")
    Path tlsKey;

    @Option(names = "--tls-reload-interval", defaultValue = "30s", converter = DurationConverter.class,
            description = "How often the TLS files are read again; a rotated certificate is served to new connections "
                + "without a restart (default: ${DEFAULT-VALUE}).")
    Duration tlsReloadInterval;

    @Option(names = "--insecure-plaintext",
            description = "Allow plain HTTP on a --bind address that is not loopback, for a network that encrypts for "
                + "you (a service mesh with mutual TLS); the token and payloads cross it as sent.")
    boolean insecurePlaintext;

    @Option(names = "--auth-failure-limit", defaultValue = "10",
            description = "Failed authentications a remote (not loopback) address may have per --auth-failure-window; "
                + "beyond it every request from it gets 429 until the window turns. 0 turns the limit off "
                + "(default: ${DEFAULT-VALUE}).")
    int authFailureLimit;

    @Option(names = "--auth-failure-window", defaultValue = "1m", converter = DurationConverter.class,
            description = "The window of --auth-failure-limit (default: ${DEFAULT-VALUE}).")
    Duration authFailureWindow;

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
     * Checks the options and reads the API token from the environment. A {@code --bind} address that is not
     * loopback needs TLS (or {@code --insecure-plaintext}), so that the token never crosses a network in clear.
     *
     * @param env the environment, such as {@link System#getenv()}
     * @return the settings
     * @throws picocli.CommandLine.ParameterException when an option is out of range, only one of the TLS files is
     *     given, or a non-loopback address would be served in plain HTTP
     */
    public HostSettings settings(Map<String, String> env) {
        require(mixee, port >= 0 && port <= 65535, "--port must be 0 to 65535");
        require(mixee, maxBodyBytes >= 1024, "--max-body-bytes must be at least 1024");
        require(mixee, idleTimeout.toMillis() > Wire.MAX_WAIT_MS, "--idle-timeout must be longer than the 20s longest long-poll");
        require(mixee, maxConnections >= 1, "--max-connections must be at least 1");
        require(mixee, !appDrainTimeout.isNegative(), "--app-drain-timeout must not be negative");
        require(mixee, (tlsCert == null) == (tlsKey == null), "--tls-cert and --tls-key go together");
        require(mixee, tlsCert != null || insecurePlaintext || Loopback.isLoopbackHost(bind), "--bind " + bind
                + " is not loopback: serve TLS there (--tls-cert and --tls-key) so that the token and payloads do not "
                + "cross the network in clear, or pass --insecure-plaintext for a network that encrypts for you");
        require(mixee, tlsReloadInterval.toMillis() >= 1, "--tls-reload-interval must be positive");
        require(mixee, authFailureLimit >= 0, "--auth-failure-limit must not be negative");
        require(mixee, authFailureWindow.toMillis() >= 1, "--auth-failure-window must be positive");
        HostSettings.Security security = new HostSettings.Security(
                Optional.ofNullable(tlsCert).map(cert -> new TlsFiles(cert, tlsKey)), tlsReloadInterval,
                new AuthFailureLimiter.Settings(authFailureLimit, authFailureWindow), insecurePlaintext);
        return new HostSettings(bind, port, ApiToken.fromEnvironment(env), maxBodyBytes, drainTimeout, idleTimeout,
                maxConnections, appDrainTimeout, security);
    }
}

package io.patternkit.sidecar.host;

import java.time.Duration;
import java.util.Optional;

/**
 * What the host is configured with, whatever patterns it serves. Immutable.
 *
 * @param bind the address to listen on, such as {@code 127.0.0.1}
 * @param port the port, 0 for an ephemeral one
 * @param token the API token, or empty for no authentication; never logged
 * @param maxBodyBytes the largest request body, in bytes
 * @param drainTimeout the longest drain on SIGTERM: the patterns' own work, then in-flight requests
 * @param idleTimeout how long a connection may send and receive nothing before it is closed (a client
 *     stuck mid-body, or gone without a FIN); longer than the longest long-poll
 * @param maxConnections the most connections served at once; further ones are closed at once
 * @param appDrainTimeout on SIGTERM, how long the sidecar keeps serving the app beside it (its loopback
 *     connections) before its own drain begins; zero to drain at once
 */
public record HostSettings(String bind, int port, Optional<String> token, long maxBodyBytes, Duration drainTimeout,
                           Duration idleTimeout, int maxConnections, Duration appDrainTimeout) {
    /** The default {@code --idle-timeout}: the longest long-poll (20 s) plus 10 s. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** The default {@code --max-connections}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    /**
     * The default {@code --app-drain-timeout}: 25 s, the SDK's default drain deadline, so that an app and
     * its sidecar both end within Kubernetes' default {@code terminationGracePeriodSeconds} of 30 when
     * the app drains quickly; raise the grace period to the sum of both drains to be safe.
     */
    public static final Duration DEFAULT_APP_DRAIN_TIMEOUT = Duration.ofSeconds(25);

    /**
     * Settings with the default idle timeout, connection cap and app drain timeout.
     *
     * @param bind the address to listen on
     * @param port the port, 0 for an ephemeral one
     * @param token the API token, or empty
     * @param maxBodyBytes the largest request body, in bytes
     * @param drainTimeout the longest drain on SIGTERM
     */
    public HostSettings(String bind, int port, Optional<String> token, long maxBodyBytes, Duration drainTimeout) {
        this(bind, port, token, maxBodyBytes, drainTimeout, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
                DEFAULT_APP_DRAIN_TIMEOUT);
    }

    /** Hides the token from logs and exception messages. */
    @Override
    public String toString() {
        return "HostSettings[bind=" + bind + ", port=" + port + ", token=" + (token.isPresent() ? "***" : "none")
                + ", maxBodyBytes=" + maxBodyBytes + ", drainTimeout=" + drainTimeout + ", idleTimeout=" + idleTimeout
                + ", maxConnections=" + maxConnections + ", appDrainTimeout=" + appDrainTimeout + "]";
    }
}

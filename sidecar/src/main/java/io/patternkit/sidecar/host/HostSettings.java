package io.patternkit.sidecar.host;

import io.patternkit.server.security.AuthFailureLimiter;
import io.patternkit.server.security.CertificateReloader;
import io.patternkit.server.security.TlsFiles;
import java.time.Duration;
import java.util.Objects;
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
 *     stuck mid-body, or gone without a FIN), and how long after its headers a request's body must have arrived
 *     whole (408 otherwise); longer than the longest long-poll
 * @param maxConnections the most connections served at once; further ones are closed at once
 * @param appDrainTimeout on SIGTERM, how long the sidecar keeps serving the app beside it (its loopback
 *     connections) before its own drain begins; zero to drain at once
 * @param security TLS and the failed-authentication limit
 */
public record HostSettings(String bind, int port, Optional<String> token, long maxBodyBytes, Duration drainTimeout,
                           Duration idleTimeout, int maxConnections, Duration appDrainTimeout, Security security) {
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
     * How the sidecar meets clients that crossed a network.
     *
     * @param tls the PEM certificate chain and key to serve TLS with, or empty for plain HTTP (loopback only,
     *     unless {@code --insecure-plaintext})
     * @param tlsReloadInterval how often the TLS files are read again for a rotated certificate
     * @param authFailures how many failed authentications a remote (non-loopback) address may have per window
     *     before its requests are refused with 429
     * @param insecurePlaintext whether plain HTTP may cross a network: served on a non-loopback address, and the
     *     token sent to plain {@code http} servers that are not loopback
     */
    public record Security(Optional<TlsFiles> tls, Duration tlsReloadInterval, AuthFailureLimiter.Settings authFailures,
                           boolean insecurePlaintext) {
        /** Plain HTTP on loopback, the default failed-authentication limit (10 a minute per address). */
        public static final Security PLAIN = new Security(Optional.empty(), CertificateReloader.DEFAULT_INTERVAL,
                AuthFailureLimiter.Settings.DEFAULT, false);

        /**
         * @param tls the PEM certificate chain and key to serve TLS with, or empty for plain HTTP (loopback only,
         *     unless {@code --insecure-plaintext})
         * @param tlsReloadInterval how often the TLS files are read again for a rotated certificate
         * @param authFailures how many failed authentications a remote (non-loopback) address may have per window
         *     before its requests are refused with 429
         * @param insecurePlaintext whether plain HTTP may cross a network: served on a non-loopback address, and the
         *     token sent to plain {@code http} servers that are not loopback
         * @throws NullPointerException when a component is null
         */
        public Security {
            Objects.requireNonNull(tls, "tls");
            Objects.requireNonNull(tlsReloadInterval, "tlsReloadInterval");
            Objects.requireNonNull(authFailures, "authFailures");
        }
    }

    /**
     * Settings served over plain HTTP with the default failed-authentication limit.
     *
     * @param bind the address to listen on
     * @param port the port, 0 for an ephemeral one
     * @param token the API token, or empty
     * @param maxBodyBytes the largest request body, in bytes
     * @param drainTimeout the longest drain on SIGTERM
     * @param idleTimeout how long a connection may send and receive nothing
     * @param maxConnections the most connections served at once
     * @param appDrainTimeout how long the sidecar keeps serving its app on SIGTERM
     */
    public HostSettings(String bind, int port, Optional<String> token, long maxBodyBytes, Duration drainTimeout,
                        Duration idleTimeout, int maxConnections, Duration appDrainTimeout) {
        this(bind, port, token, maxBodyBytes, drainTimeout, idleTimeout, maxConnections, appDrainTimeout, Security.PLAIN);
    }

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
                DEFAULT_APP_DRAIN_TIMEOUT, Security.PLAIN);
    }

    /** @return the token as the patterns send it to the servers they call */
    public OutboundToken outboundToken() {
        return new OutboundToken(token, security.insecurePlaintext());
    }

    /** @return {@code https} when serving TLS, else {@code http} */
    public String scheme() {
        return security.tls().isPresent() ? "https" : "http";
    }

    /** Hides the token from logs and exception messages. */
    @Override
    public String toString() {
        return "HostSettings[bind=" + bind + ", port=" + port + ", token=" + (token.isPresent() ? "***" : "none")
                + ", maxBodyBytes=" + maxBodyBytes + ", drainTimeout=" + drainTimeout + ", idleTimeout=" + idleTimeout
                + ", maxConnections=" + maxConnections + ", appDrainTimeout=" + appDrainTimeout + ", security=" + security + "]";
    }
}

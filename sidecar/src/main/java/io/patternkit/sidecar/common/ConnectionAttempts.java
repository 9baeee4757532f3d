package io.patternkit.sidecar.common;

import io.vertx.core.http.HttpClientOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Bounds a Vert.x HTTP client's connection attempts, for every client the sidecar opens to a peer (ambassador
 * upstreams, scatter/gather leaves and merges, DNS leaf info). A request's own timeout only ends its wait for a
 * connection; the attempt itself goes on, holding one of the address's pooled places, until the client's connect
 * timeout (Vert.x's default: a minute) or, for {@code https}, its TLS handshake timeout (default: 10 s) ends it. A host
 * that drops SYNs, or accepts and never answers a ClientHello, would otherwise fill a pool of one with attempts
 * nobody waits for.
 */
public final class ConnectionAttempts {
    private ConnectionAttempts() {
    }

    /**
     * Sets both the TCP connect timeout and the TLS handshake timeout to {@code timeout}.
     *
     * @param options a client's options, changed in place
     * @param timeout how long one attempt may take to connect, and then as long to finish a TLS handshake; positive
     *     (below a millisecond counts as one)
     * @return the same options
     * @throws ArithmeticException when {@code timeout} exceeds {@link Integer#MAX_VALUE} milliseconds
     */
    public static HttpClientOptions bound(HttpClientOptions options, Duration timeout) {
        int ms = Math.toIntExact(Math.max(1, timeout.toMillis()));
        return options.setConnectTimeout(ms).setSslHandshakeTimeout(ms).setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
    }
}

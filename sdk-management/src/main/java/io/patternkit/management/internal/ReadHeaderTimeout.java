package io.patternkit.management.internal;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long a new HTTP/1.1 connection may take to deliver its first request's line and headers, as Go's
 * {@code http.Server.ReadHeaderTimeout} and nginx's {@code client_header_timeout} bound it; a connection that does
 * not is closed. A server's idle timeout alone bounds it only as loosely as it is long: Vert.x's idle timeout sits
 * behind its HTTP decoder, so bytes of a request not yet decoded do not restart it, but an idle timeout must be long
 * enough for the longest answer a server makes (a drain, a profile), and a client sending its headers a byte at a
 * time holds its connection, and its place under the connection cap, that long before any token is checked. Later
 * requests on a kept-alive connection are the idle timeout's: a server cannot tell a client that has begun its next
 * request from one at rest.
 *
 * <p>Vert.x hands a plain-text connection to the server's connection handler only once it knows the protocol: serve
 * with {@code HttpServerOptions.setHttp2ClearTextEnabled(false)}, so that it does when the connection opens rather
 * than after its first bytes (a TLS connection is handed over after its handshake, which Vert.x bounds itself).
 * Call {@link #opened} from the connection handler and {@link #arrived} from the request handler, on the
 * connection's event loop.
 */
final class ReadHeaderTimeout {
    private static final Logger LOG = LoggerFactory.getLogger(ReadHeaderTimeout.class);

    private final Vertx vertx;
    private final Duration timeout;
    /** The timer of each connection still waiting for its first request. */
    private final Map<HttpConnection, Long> waiting = new ConcurrentHashMap<>();

    /**
     * @param vertx the server's Vert.x, for the timers
     * @param timeout how long a new connection may take to deliver its first request's line and headers; positive
     * @throws IllegalArgumentException when the timeout is not positive
     */
    ReadHeaderTimeout(Vertx vertx, Duration timeout) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        this.timeout = timeout;
    }

    /**
     * Starts the wait for a new connection's first request.
     *
     * @param connection the connection, just opened
     * @return what to run when the connection closes (Vert.x keeps one close handler per connection, and the server's
     *     {@link io.patternkit.server.security.ConnectionCap} owns it)
     */
    Runnable opened(HttpConnection connection) {
        long timer = vertx.setTimer(timeout.toMillis(), id -> {
            if (waiting.remove(connection) != null) {
                LOG.debug("closing a connection from {}: no request line and headers within {} ms",
                        connection.remoteAddress(), timeout.toMillis());
                connection.close();
            }
        });
        waiting.put(connection, timer);
        return () -> arrived(connection);
    }

    /**
     * Ends the connection's wait, if it was still waiting: a request's line and headers are in.
     *
     * @param connection the request's connection
     */
    void arrived(HttpConnection connection) {
        Long timer = waiting.remove(connection);
        if (timer != null) {
            vertx.cancelTimer(timer);
        }
    }
}

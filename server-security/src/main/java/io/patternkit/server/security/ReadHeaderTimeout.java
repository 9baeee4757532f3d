package io.patternkit.server.security;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long an HTTP/1.1 connection may take to deliver a request's line and headers, as Go's
 * {@code http.Server.ReadHeaderTimeout} and nginx's {@code client_header_timeout} bound it: the first request's
 * within {@code first} of the connection's opening, each later one's within {@code between} of the end of the
 * answer before it. A connection that does not is closed. An idle timeout alone cannot do this: every byte restarts
 * it, so a client that sends its headers a byte at a time (a slowloris) holds its connection, and its place under
 * the connection cap, for as long as it likes. Between two requests a server cannot tell a client that has begun
 * its next request from one at rest, so {@code between} is also the longest a kept-alive connection may rest.
 *
 * <p>Vert.x hands a plain-text connection to the server's connection handler only once it knows the protocol: serve
 * with {@code HttpServerOptions.setHttp2ClearTextEnabled(false)}, so that it does when the connection opens rather
 * than after its first bytes (a TLS connection is handed over after its handshake, which Vert.x bounds itself).
 * Call {@link #opened} from the connection handler and {@link #arrived} from the request handler; each runs on the
 * connection's event loop, as do the hooks they return.
 */
public final class ReadHeaderTimeout {
    private static final Logger LOG = LoggerFactory.getLogger(ReadHeaderTimeout.class);

    private final Vertx vertx;
    private final Duration first;
    private final Duration between;
    private final Map<HttpConnection, Wait> waits = new ConcurrentHashMap<>();

    /**
     * @param vertx the server's Vert.x, for the timers
     * @param first how long a new connection may take to deliver its first request's line and headers; positive
     * @param between how long a connection may take, after an answer has ended, to deliver the next request's line
     *     and headers; positive
     * @throws IllegalArgumentException when a duration is not positive
     */
    public ReadHeaderTimeout(Vertx vertx, Duration first, Duration between) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.first = positive(first, "first");
        this.between = positive(between, "between");
    }

    private static Duration positive(Duration d, String name) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
        return d;
    }

    /**
     * Starts the wait for a new connection's first request.
     *
     * @param connection the connection, just opened
     * @return what to run when the connection closes (Vert.x keeps one close handler per connection, and the server
     *     owns it)
     */
    public Runnable opened(HttpConnection connection) {
        Wait wait = new Wait(connection);
        waits.put(connection, wait);
        wait.arm(first);
        return () -> {
            Wait gone = waits.remove(connection);
            if (gone != null) {
                gone.cancel();
            }
        };
    }

    /**
     * Stops the connection's wait: a request's line and headers are in. The body is the server's to bound.
     *
     * @param connection the request's connection
     * @return what to run when the request's answer has ended: the wait for the next request starts then, once no
     *     other request of the connection is still being answered
     */
    public Runnable arrived(HttpConnection connection) {
        Wait wait = waits.get(connection);
        if (wait == null) {
            return () -> { }; // a connection the server never counted as opened (closed at once over the cap)
        }
        wait.arrived();
        return wait::answered;
    }

    /** One connection's wait; touched on its event loop only. */
    private final class Wait {
        private final HttpConnection connection;
        private long timer = -1;
        private int answering;

        Wait(HttpConnection connection) {
            this.connection = connection;
        }

        void arm(Duration within) {
            cancel();
            timer = vertx.setTimer(within.toMillis(), id -> {
                timer = -1;
                LOG.debug("closing a connection from {}: no request line and headers within {} ms",
                        connection.remoteAddress(), within.toMillis());
                connection.close();
            });
        }

        void arrived() {
            answering++;
            cancel();
        }

        void answered() {
            if (answering > 0 && --answering == 0 && waits.get(connection) == this) {
                arm(between);
            }
        }

        void cancel() {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }
    }
}

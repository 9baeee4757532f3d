package io.patternkit.server.security;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.SocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The most connections a server keeps open at once, with places kept for the pod's own: a connection from off
 * loopback (a stranger) is refused once all but an eighth of the cap are open (at least one place kept when the cap
 * is two or more), so that strangers holding connections open cannot lock the app, or its sidecar, out.
 *
 * <p>One instance per server: it counts the server's open connections itself, so a server hands it every new
 * connection ({@link #admit}) and nothing else. Thread-safe: a server's event loops may admit at once. As Envoy's
 * listener {@code max_connections} and Tomcat's {@code maxConnections}, the cap counts connections, not requests.
 */
public final class ConnectionCap {
    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    /**
     * @param max the cap, at least one
     * @throws IllegalArgumentException when {@code max} is below one
     */
    public ConnectionCap(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("the connection cap must be at least 1, got " + max);
        }
        this.max = max;
    }

    /** @return the places strangers cannot take: an eighth of the cap rounded up, none for a cap of one */
    int keptForLoopback() {
        return max < 2 ? 0 : (max + 7) / 8;
    }

    /** @return the connections admitted and not yet closed */
    public int open() {
        return open.get();
    }

    /**
     * Counts a newly accepted connection against the cap, and closes it at once when the cap is reached (for a
     * stranger's, when all but the places kept for loopback are taken). An admitted
     * connection is handed to {@code admitted}, which returns what must run when the connection closes; the cap owns
     * the connection's close handler (Vert.x keeps one per connection) and uncounts the connection there. The server
     * should serve HTTP/1.1 alone (h2c off): with h2c on, Vert.x hands a connection over only after its first bytes,
     * so one that sends none is not counted.
     *
     * @param connection a connection just accepted, from the server's connection handler; not null
     * @param admitted what the server does with an admitted connection (such as arming a timer); returns what to run
     *     when it closes, never null; not called for a refused connection
     * @return whether the connection was admitted; a refused one is being closed
     */
    public boolean admit(HttpConnection connection, Function<HttpConnection, Runnable> admitted) {
        if (!admits(connection.remoteAddress(), open.incrementAndGet())) {
            connection.closeHandler(v -> open.decrementAndGet());
            connection.close();
            return false;
        }
        Runnable closed = admitted.apply(connection);
        connection.closeHandler(v -> {
            open.decrementAndGet();
            closed.run();
        });
        return true;
    }

    /**
     * @param remote a new connection's remote address (null counts as loopback, see {@link Loopback#isLoopback})
     * @param open the connections open with this one counted
     * @return whether the connection may stay open
     */
    boolean admits(SocketAddress remote, int open) {
        return open <= (Loopback.isLoopback(remote) ? max : max - keptForLoopback());
    }
}

package io.patternkit.sidecar.host;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.patternkit.server.security.Loopback;
import java.time.Duration;

/**
 * The connections of the app beside the sidecar: those from a loopback address (in a pod, the app and
 * its sidecar share the network namespace; Prometheus and the kubelet come from the pod network). Lets
 * a sidecar that got SIGTERM keep serving until its app has closed them. Thread-safe: connections open
 * and close on every event loop.
 */
final class AppConnections {
    private final Vertx vertx;
    private int open;
    private Promise<Void> gone;
    private Duration quiet;
    private long quietTimer = -1;

    AppConnections(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * Counts a new connection if it is the app's. It sets no close handler (a connection has one, which the
     * {@link io.patternkit.server.security.ConnectionCap} sets): the cap runs the returned action when the connection closes.
     *
     * @param connection a connection just accepted
     * @return what to run when it closes: uncounts it if it was counted, nothing otherwise
     */
    Runnable track(HttpConnection connection) {
        if (!Loopback.isLoopback(connection.remoteAddress())) {
            return () -> { };
        }
        synchronized (this) {
            open++;
            if (quietTimer >= 0) {
                vertx.cancelTimer(quietTimer);
                quietTimer = -1;
            }
        }
        return this::closed;
    }

    private synchronized void closed() {
        open--;
        armIfIdle();
    }

    /**
     * @param quiet how long no app connection may be open before the app counts as gone (an app that
     *     connects per request, as curl does, gets this long between its requests)
     * @return completes once the app has had no connection open for {@code quiet}
     */
    synchronized Future<Void> gone(Duration quiet) {
        if (gone == null) {
            gone = Promise.promise();
            this.quiet = quiet;
            armIfIdle();
        }
        return gone.future();
    }

    /** @return the app's connections open now */
    synchronized int open() {
        return open;
    }

    private void armIfIdle() {
        if (gone != null && open == 0 && quietTimer < 0) {
            quietTimer = vertx.setTimer(Math.max(1, quiet.toMillis()), id -> {
                synchronized (this) {
                    quietTimer = -1;
                    if (open == 0) {
                        gone.tryComplete();
                    }
                }
            });
        }
    }
}

package io.patternkit.sidecar.host;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * One pattern as a {@link SidecarHost} serves it, once its {@link PatternModule} has started it:
 * its routes, its readiness check, its drain and its close. The host owns everything patterns
 * share (server, health, metrics, auth, body limits, problems, engines) and calls these in a fixed
 * order: {@link #mount} before listening; on SIGTERM {@link #drainWork} (blocking), then
 * {@link #drain} just before the server stops accepting; {@link #close} before Vert.x and the
 * engines are closed.
 */
public interface RunningPattern {

    /**
     * Adds the pattern's routes. Routes under {@code /v1} are already behind the bearer token and
     * the body handler; a route outside {@code /v1} that needs the token adds {@code auth} itself.
     * Each route should put its template under {@link SidecarServer#ROUTE_KEY} for the metrics.
     *
     * @param router the router, never null
     * @param responses the JSON and problem writer, never null
     * @param auth the bearer-token check (passes everything through when no token is configured)
     */
    void mount(Router router, Responses responses, Handler<RoutingContext> auth);

    /**
     * Checks that the pattern's engine answers, for {@code /healthz/ready}.
     *
     * @return completes when it does; fails otherwise
     */
    Future<Void> ping();

    /**
     * Finishes the work the pattern runs by itself (such as the work queue's {@code --exec}
     * commands) within {@code budget}, while the server still serves requests; blocks. Default:
     * nothing to finish.
     *
     * @param budget the longest wait, never negative
     */
    default void drainWork(Duration budget) {
    }

    /**
     * Answers parked long-polls and lets go of what the pattern holds, ahead of the server's shutdown.
     *
     * @return completes when done
     */
    Future<Void> drain();

    /** Stops the pattern's own timers, clients and threads; called once, before Vert.x closes. Never throws. */
    default void close() {
    }
}

package io.patternkit.sidecar.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * One pattern's part of a {@link SidecarServer}: its routes, its readiness check and its drain.
 * The server owns everything every pattern shares (health, metrics, auth, body limits, problems).
 */
public interface PatternRoutes {

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
     * Checks that the engine answers, for {@code /healthz/ready}.
     *
     * @return completes when it does; fails otherwise
     */
    Future<Void> ping();

    /**
     * Answers parked long-polls and lets go of what the pattern holds, ahead of the server's shutdown.
     *
     * @return completes when done
     */
    Future<Void> drain();
}

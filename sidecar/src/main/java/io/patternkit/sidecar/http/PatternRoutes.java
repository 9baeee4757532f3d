package io.patternkit.sidecar.http;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;

/**
 * What one pattern plugs into a {@link SidecarServer}: its {@code /v1} routes, its readiness check
 * and its drain. The server mounts the routes after the bearer-token check, the JSON content-type
 * check and the body-size limit, so a route sees only authenticated requests with bounded bodies.
 * Routes should put their route template under {@link #ROUTE_KEY} of the routing context for the
 * {@code http.server.requests} metric.
 */
public interface PatternRoutes {
    /** Routing-context key holding the route template, used as the metrics {@code route} tag. */
    String ROUTE_KEY = WorkQueueRoutes.ROUTE_KEY;

    /**
     * Adds the pattern's routes.
     *
     * @param router the server's router, never null
     * @param responses the writer of JSON bodies and problem documents, never null
     */
    void mount(Router router, Responses responses);

    /** @return succeeds when the pattern can serve (its engine answers), fails otherwise */
    Future<Void> ping();

    /** @return completes once parked requests (long-polls) have been answered; in-flight ones may still run */
    Future<Void> drain();
}

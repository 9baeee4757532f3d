/**
 * The sidecar's host: one Vert.x, one HTTP server (router, RFC 9457 problems, bearer-token auth, health and
 * metrics) for every pattern it runs. The server handles requests on one event loop, and the patterns' services
 * confine their state to that same event loop ({@link io.patternkit.sidecar.host.HostContext#eventLoop()}), so a
 * request that reaches the engine moves between two threads only: to a Vert.x worker thread for the engine call
 * and back.
 */
package io.patternkit.sidecar.host;

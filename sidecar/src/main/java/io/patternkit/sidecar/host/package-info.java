/** The sidecar's HTTP server: Vert.x router, RFC 9457 problems, bearer-token auth, health and metrics. */
package io.patternkit.sidecar.host;

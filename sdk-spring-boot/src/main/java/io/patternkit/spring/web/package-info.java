/**
 * Patternkit's endpoints on the application's own web server: {@link io.patternkit.spring.web.ServletEndpointHost}
 * (Spring MVC) and {@link io.patternkit.spring.web.ReactiveEndpointHost} (WebFlux) are
 * {@link io.patternkit.management.EndpointHost}s, so that a scatter leaf or merge container is served under the
 * application's port, context path and TLS with the same rules as on the SDK's management server.
 */
package io.patternkit.spring.web;

package io.patternkit.spring.web;

import io.patternkit.management.EndpointHost;
import io.patternkit.management.ManagementEndpoint;
import java.net.URI;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * What the Spring MVC and WebFlux hosts share: the mounts, the URL from Spring Boot's environment, running once the
 * web server has started, and the order of their handler mappings (before the application's routes). Subclasses
 * adapt the request and answer to their web stack.
 */
public abstract class WebEndpointHost implements EndpointHost, Ordered {
    /** The handler mapping's order: before the application's router functions (-1) and {@code @RequestMapping}s (0). */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;
    /** The shared rules and mounts. */
    final WebEndpoints endpoints;

    /**
     * @param environment the application's environment: the port it listens on once started
     *     ({@code local.server.port}), its address ({@code server.address}), TLS ({@code server.ssl.*}) and the path
     *     the application is served under
     * @param basePathProperties the properties of that path, outermost first, such as {@code server.servlet.context-path}
     *     and {@code spring.mvc.servlet.path}
     * @param apiToken the token requests must carry as {@code Authorization: Bearer}, the one the sidecars share; null
     *     for none
     * @param maxBodyBytes the largest request body read, in bytes; larger ones answer 413
     * @param advertisedHost the host others reach this application at, or null for {@code server.address} (or this
     *     machine's address when that is unset or a wildcard)
     */
    WebEndpointHost(Environment environment, List<String> basePathProperties, String apiToken, int maxBodyBytes,
            String advertisedHost) {
        this.endpoints = new WebEndpoints(apiToken, maxBodyBytes, new WebServerUrl(environment, advertisedHost,
                basePathProperties));
    }

    @Override
    public final Mount mount(String path, ManagementEndpoint endpoint) {
        return endpoints.mount(path, endpoint);
    }

    @Override
    public final URI baseUrl() {
        return endpoints.baseUrl();
    }

    /** @return true once the application's web server has started */
    @Override
    public final boolean isRunning() {
        return endpoints.serving();
    }

    @Override
    public final int getOrder() {
        return ORDER;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{running=" + isRunning() + ", token="
                + (endpoints.requiresToken() ? "required" : "none") + '}';
    }
}

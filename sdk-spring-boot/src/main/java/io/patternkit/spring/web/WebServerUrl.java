package io.patternkit.spring.web;

import io.patternkit.management.EndpointHost;
import java.net.URI;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.core.env.Environment;

/**
 * The application's own web server's URL as others reach it, read from Spring Boot's environment once the server has
 * started: the port from {@code local.server.port} (which Boot sets when the server is up, an ephemeral one
 * included), {@code https} when {@code server.ssl.*} configures a key store, certificate or bundle and
 * {@code server.ssl.enabled} is not false, the host given (else {@code server.address}, else this machine's address as
 * {@link EndpointHost#advertisedHostFor} finds it), and the paths the properties named hold, one after the other (a
 * servlet context path, then the dispatcher servlet's path; or WebFlux's base path).
 */
final class WebServerUrl implements Supplier<URI> {
    private final Environment environment;
    private final String advertisedHost;
    private final List<String> basePathProperties;

    /**
     * @param environment the application's environment
     * @param advertisedHost the host to put in the URL, or null to derive it
     * @param basePathProperties the properties holding the paths the endpoints are served under, outermost first, such
     *     as {@code server.servlet.context-path} and {@code spring.mvc.servlet.path}
     */
    WebServerUrl(Environment environment, String advertisedHost, List<String> basePathProperties) {
        this.environment = environment;
        this.advertisedHost = advertisedHost;
        this.basePathProperties = List.copyOf(basePathProperties);
    }

    /**
     * @throws IllegalStateException when the web server has not started (no {@code local.server.port} yet)
     */
    @Override
    public URI get() {
        String port = environment.getProperty("local.server.port");
        if (port == null) {
            throw new IllegalStateException("the application's web server has not started yet (no local.server.port)");
        }
        String host = advertisedHost != null ? advertisedHost
                : EndpointHost.advertisedHostFor(environment.getProperty("server.address", "0.0.0.0"));
        StringBuilder base = new StringBuilder();
        basePathProperties.forEach(property -> base.append(segment(environment.getProperty(property, ""))));
        return URI.create((tls() ? "https" : "http") + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + port + base);
    }

    /** A configured path as a URL's segment: with a leading slash, without a trailing one; empty for none. */
    private static String segment(String configured) {
        String path = configured.strip();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path.isEmpty() || path.startsWith("/") ? path : "/" + path;
    }

    private boolean tls() {
        boolean configured = environment.containsProperty("server.ssl.bundle")
                || environment.containsProperty("server.ssl.key-store")
                || environment.containsProperty("server.ssl.certificate");
        return configured && environment.getProperty("server.ssl.enabled", Boolean.class, true);
    }
}

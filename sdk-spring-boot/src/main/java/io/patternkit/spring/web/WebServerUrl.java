package io.patternkit.spring.web;

import io.patternkit.management.EndpointHost;
import java.net.URI;
import java.util.function.Supplier;
import org.springframework.core.env.Environment;

/**
 * The application's own web server's URL as others reach it, read from Spring Boot's environment once the server has
 * started: the port from {@code local.server.port} (which Boot sets when the server is up, an ephemeral one
 * included), {@code https} when {@code server.ssl.*} configures a key store, certificate or bundle and
 * {@code server.ssl.enabled} is not false, the host given (else {@code server.address}, else this machine's address as
 * {@link EndpointHost#advertisedHostFor} finds it), and the context path or base path property named.
 */
final class WebServerUrl implements Supplier<URI> {
    private final Environment environment;
    private final String advertisedHost;
    private final String basePathProperty;

    /**
     * @param environment the application's environment
     * @param advertisedHost the host to put in the URL, or null to derive it
     * @param basePathProperty the property holding the path the application is served under, such as
     *     {@code server.servlet.context-path}
     */
    WebServerUrl(Environment environment, String advertisedHost, String basePathProperty) {
        this.environment = environment;
        this.advertisedHost = advertisedHost;
        this.basePathProperty = basePathProperty;
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
        String base = environment.getProperty(basePathProperty, "").strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        if (!base.isEmpty() && !base.startsWith("/")) {
            base = "/" + base;
        }
        return URI.create((tls() ? "https" : "http") + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + port + base);
    }

    private boolean tls() {
        boolean configured = environment.containsProperty("server.ssl.bundle")
                || environment.containsProperty("server.ssl.key-store")
                || environment.containsProperty("server.ssl.certificate");
        return configured && environment.getProperty("server.ssl.enabled", Boolean.class, true);
    }
}

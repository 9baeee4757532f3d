package io.patternkit.sidecar.ambassador;

import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * Where requests to one base URL go: host, port, TLS, and the path that prefixes every request's.
 *
 * @param host the host
 * @param port the port (80 or 443 when the URL has none)
 * @param ssl whether the URL is {@code https}
 * @param basePath the URL's path without a trailing {@code /}, possibly empty
 */
record Origin(String host, int port, boolean ssl, String basePath) {

    /**
     * @param url an {@code http} or {@code https} base URL
     * @return its origin
     */
    static Origin of(URI url) {
        boolean ssl = "https".equals(url.getScheme().toLowerCase(Locale.ROOT));
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        return new Origin(url.getHost(), url.getPort() > 0 ? url.getPort() : ssl ? 443 : 80, ssl,
                path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
    }

    /**
     * @param uri the app's request URI (path and query), appended to the base path
     * @param timeout the connect and idle timeout of the request
     * @return the options of a request to this origin
     */
    RequestOptions request(String uri, Duration timeout) {
        long ms = Math.max(1, timeout.toMillis());
        return new RequestOptions().setHost(host).setPort(port).setSsl(ssl).setURI(basePath + uri)
                .setConnectTimeout(ms).setIdleTimeout(ms);
    }
}

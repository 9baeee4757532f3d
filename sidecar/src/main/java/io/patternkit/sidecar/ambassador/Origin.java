package io.patternkit.sidecar.ambassador;

import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * Where requests to one base URL go: host, port, TLS, and the path that prefixes every request's.
 * An {@code https} endpoint found by a {@code dns+https} name is a pod's address whose certificate
 * names the Service, not the address: its URL carries that name as its fragment
 * ({@code https://10.0.0.5:8443#orders.shop.svc}, never sent), and the request connects to the
 * address while TLS verifies, and SNI and {@code Host} name, the name (as Envoy's
 * {@code auto_sni} and gRPC's target name override do).
 *
 * @param host the host to connect to
 * @param port the port (80 or 443 when the URL has none)
 * @param ssl whether the URL is {@code https}
 * @param basePath the URL's path without a trailing {@code /}, possibly empty
 * @param serverName the name TLS verifies instead of {@code host}, or {@code null} for {@code host}
 */
record Origin(String host, int port, boolean ssl, String basePath, String serverName) {

    /**
     * @param url an {@code http} or {@code https} base URL
     * @return its origin
     */
    static Origin of(URI url) {
        boolean ssl = "https".equals(url.getScheme().toLowerCase(Locale.ROOT));
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        return new Origin(url.getHost(), url.getPort() > 0 ? url.getPort() : ssl ? 443 : 80, ssl,
                path.endsWith("/") ? path.substring(0, path.length() - 1) : path, ssl ? url.getFragment() : null);
    }

    /**
     * @param uri the app's request URI (path and query), appended to the base path
     * @param timeout the connect and idle timeout of the request
     * @return the options of a request to this origin
     */
    RequestOptions request(String uri, Duration timeout) {
        long ms = Math.max(1, timeout.toMillis());
        RequestOptions options = new RequestOptions().setPort(port).setSsl(ssl).setURI(basePath + uri).setConnectTimeout(ms)
                .setIdleTimeout(ms);
        if (serverName == null) {
            return options.setHost(host);
        }
        String address = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return options.setServer(SocketAddress.inetSocketAddress(port, address)).setHost(serverName);
    }
}

package io.patternkit.sidecar.scatter;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How the root verifies the leaves it calls over {@code https} (leaf calls, merge containers, DNS leaf info):
 * against the authorities of {@code --leaf-ca} (else the JVM's trust store), and against the host name in the
 * leaf's URL, or, with {@code --leaf-tls-server-name}, against that one name for every leaf. Leaves in Kubernetes
 * are reached by pod address, which a certificate from cert-manager does not name; they share one certificate for
 * their Service's name instead, as gRPC's target name override and Envoy's SNI setting allow.
 *
 * @param ca PEM certificates of the trusted authorities, or empty for the JVM's trust store
 * @param serverName the name every leaf's certificate must carry (also sent as SNI and {@code Host}), or empty for
 *     the host of each URL
 */
public record LeafTls(Optional<Path> ca, Optional<String> serverName) {
    /** The JVM's trust store, each URL's own host. */
    public static final LeafTls DEFAULT = new LeafTls(Optional.empty(), Optional.empty());

    /**
     * @param ca PEM certificates of the trusted authorities, or empty for the JVM's trust store
     * @param serverName the name every leaf's certificate must carry (also sent as SNI and {@code Host}), or empty for
     *     the host of each URL
     * @throws NullPointerException when a component is null
     */
    public LeafTls {
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(serverName, "serverName");
    }

    /**
     * @param options a leaf client's options, changed in place: host verification on, trusted authorities set
     * @return the same options
     */
    HttpClientOptions applyTo(HttpClientOptions options) {
        options.setVerifyHost(true);
        ca.ifPresent(file -> options.setTrustOptions(new PemTrustOptions().addCertPath(file.toString())));
        return options;
    }

    /**
     * Points a request at a URL: for {@code https} with a server name, it connects to the URL's address and verifies
     * (and names, in SNI and {@code Host}) the server name instead.
     *
     * @param options the request, changed in place
     * @param url an absolute {@code http} or {@code https} URL
     * @return the same request
     */
    RequestOptions target(RequestOptions options, String url) {
        URI uri = URI.create(url);
        boolean tls = "https".equals(uri.getScheme().toLowerCase(Locale.ROOT));
        if (!tls || serverName.isEmpty()) {
            return options.setAbsoluteURI(url);
        }
        int port = uri.getPort() > 0 ? uri.getPort() : 443;
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return options.setServer(SocketAddress.inetSocketAddress(port, host)).setSsl(true).setHost(serverName.get())
                .setPort(port).setURI(uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery());
    }
}

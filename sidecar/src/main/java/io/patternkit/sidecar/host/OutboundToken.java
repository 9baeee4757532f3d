package io.patternkit.sidecar.host;

import io.patternkit.server.security.Loopback;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * The API token as this sidecar sends it to the servers it calls (scatter leaves, merge containers, leaf info):
 * over TLS, or over plain HTTP only to a loopback address, so that it never crosses a network in clear; plain
 * HTTP elsewhere is refused unless the sidecar runs with {@code --insecure-plaintext} (a network that encrypts for
 * it). Never logged. Immutable.
 */
public final class OutboundToken {
    private static final OutboundToken NONE = new OutboundToken(Optional.empty(), false);
    private final Optional<String> token;
    private final boolean plaintextAllowed;

    /**
     * @param token the API token, or empty for none
     * @param plaintextAllowed whether it may go over plain HTTP to addresses that are not loopback
     */
    public OutboundToken(Optional<String> token, boolean plaintextAllowed) {
        this.token = token;
        this.plaintextAllowed = plaintextAllowed;
    }

    /** @return no token: calls carry no {@code Authorization} */
    public static OutboundToken none() {
        return NONE;
    }

    /**
     * @param url the absolute URL about to be called
     * @return the {@code Authorization} header's value for it ({@code Bearer <token>}), or empty without a token
     * @throws IllegalStateException when there is a token and the URL is plain {@code http} to a host that is not
     *     a loopback address, and plain HTTP is not allowed; the message says what to do
     */
    public Optional<String> authorizationFor(String url) {
        if (token.isEmpty()) {
            return Optional.empty();
        }
        URI uri = URI.create(url);
        boolean tls = "https".equals(uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT));
        if (!tls && !plaintextAllowed && (uri.getHost() == null || !Loopback.isLoopbackHost(uri.getHost()))) {
            throw new IllegalStateException("refusing to send the API token in clear to " + uri.getScheme() + "://"
                    + uri.getRawAuthority() + ": serve it over https (and trust its CA with --leaf-ca), "
                    + "or start the sidecar with --insecure-plaintext on a network that encrypts for you");
        }
        return Optional.of("Bearer " + token.get());
    }

    /** Hides the token. */
    @Override
    public String toString() {
        return "OutboundToken[" + (token.isPresent() ? "***" : "none") + (plaintextAllowed ? ", plaintext allowed" : "") + "]";
    }
}

package io.patternkit.sidecar.scatter;

import io.patternkit.protocol.LeafSource;

import io.patternkit.protocol.NameRule;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Parses a static leaf, as given by {@code --leaf pool/shard=url}. Its leaf id is the URL's
 * {@code host:port} (made unique per shard by the caller if needed).
 */
public final class StaticLeaf {
    private StaticLeaf() {
    }

    /**
     * Parses {@code pool/shard=url}.
     *
     * @param spec the option value
     * @return the leaf, whose source is {@link LeafSource#STATIC}
     * @throws IllegalArgumentException when it is malformed
     */
    public static Leaf parse(String spec) {
        int eq = spec.indexOf('=');
        int slash = spec.indexOf('/');
        if (eq < 0 || slash < 0 || slash > eq) {
            throw new IllegalArgumentException("'" + spec + "' is not pool/shard=url");
        }
        String pool = spec.substring(0, slash);
        String shard = spec.substring(slash + 1, eq);
        String url = spec.substring(eq + 1);
        if (!NameRule.POOL.matches(pool) || !NameRule.SHARD.matches(shard)) {
            throw new IllegalArgumentException("'" + spec + "' has an invalid pool or shard name");
        }
        try {
            URI uri = new URI(url);
            if (uri.getHost() == null || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
                throw new IllegalArgumentException("'" + spec + "' needs an absolute http or https URL");
            }
            String leafId = uri.getHost() + ":" + (uri.getPort() < 0 ? ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80) : uri.getPort());
            return new Leaf(pool, shard, leafId.replaceAll("[^A-Za-z0-9._:@-]", "_"), url, LeafSource.STATIC, Long.MAX_VALUE);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + spec + "' needs an absolute http or https URL", e);
        }
    }
}

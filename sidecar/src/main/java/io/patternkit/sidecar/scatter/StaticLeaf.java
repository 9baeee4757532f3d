package io.patternkit.sidecar.scatter;

import io.patternkit.protocol.LeafSource;

import io.patternkit.protocol.NameRule;

import java.net.URI;

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
        URI uri;
        try {
            uri = LeafUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + spec + "': the URL " + LeafUrl.RULE, e);
        }
        String leafId = uri.getHost() + ":" + (uri.getPort() < 0 ? ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80) : uri.getPort());
        return new Leaf(pool, shard, leafId.replaceAll("[^A-Za-z0-9._:@-]", "_"), url, LeafSource.STATIC, Long.MAX_VALUE);
    }
}

package io.patternkit.sidecar.scatter;

import io.patternkit.protocol.LeafSource;

/**
 * One replica of one shard of a pool.
 *
 * @param pool the pool name
 * @param shard the shard it serves
 * @param leafId its identity in the pool
 * @param url the absolute URL the root POSTs leaf calls to
 * @param source how the root knows it
 * @param expiresAtNanos for a registered leaf, when its registration lapses on the registry's
 *     clock; {@link Long#MAX_VALUE} for the others
 */
public record Leaf(String pool, String shard, String leafId, String url, LeafSource source, long expiresAtNanos) {
}

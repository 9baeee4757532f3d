package io.patternkit.bench.scatter;

import java.net.URI;

/**
 * One shard's leaf as the root sidecar lists it ({@code GET /v1/pools/{pool}/leaves}), for the direct
 * fan-outs.
 *
 * @param shard the shard
 * @param url the leaf endpoint
 */
record LeafTarget(String shard, URI url) {
}

package io.patternkit.sidecar.scatter;

import java.time.Duration;

/**
 * A validated leaf registration body.
 *
 * @param shard the shard the leaf serves
 * @param url the leaf call URL
 * @param ttl how long the registration lasts without renewal
 */
public record Registration(String shard, String url, Duration ttl) {
}

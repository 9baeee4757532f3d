package io.patternkit.sidecar.scatter;

import java.util.List;

/**
 * A shard a scatter call asks, with the replicas known when it started.
 *
 * @param shard the shard name
 * @param replicas its replicas, possibly none (the shard is then skipped), sorted by leaf id
 */
public record ShardTarget(String shard, List<Leaf> replicas) {
    /**
     * Copies the list.
     *
     * @param shard the shard name
     * @param replicas its replicas, possibly none (the shard is then skipped), sorted by leaf id
     */
    public ShardTarget {
        replicas = List.copyOf(replicas);
    }
}

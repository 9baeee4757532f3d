package io.patternkit.scatter.internal;

import io.patternkit.core.ProtocolException;
import io.patternkit.core.internal.SidecarCall;
import io.patternkit.core.internal.Transport;
import io.patternkit.scatter.PoolLeaves;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Reads what the root sidecar knows of a pool: {@code GET /v1/pools/{pool}/leaves} (operation
 * {@code listLeaves}, idempotent, retried as such), turned into the public {@link PoolLeaves}. Internal.
 */
public final class LeafDirectory {
    private LeafDirectory() {
    }

    /**
     * @param transport the client's transport
     * @param pool a valid pool name
     * @return the pool's shards and replicas
     * @throws ProtocolException when the answer lacks a required member or names an unknown source
     * @throws io.patternkit.core.PatternkitException when the root cannot be reached or refuses the call
     */
    public static PoolLeaves list(Transport transport, String pool) {
        Arguments.pool(pool);
        Dto.PoolLeaves wire = transport.execute(SidecarCall.get("listLeaves", "/v1/pools/" + pool + "/leaves"),
                Dto.PoolLeaves.class);
        if (wire == null || wire.shards() == null) {
            throw malformed(pool, "no 'shards'", null);
        }
        List<PoolLeaves.Shard> shards = wire.shards().stream().map(s -> shard(pool, s)).toList();
        return new PoolLeaves(wire.pool() != null ? wire.pool() : pool, shards);
    }

    private static PoolLeaves.Shard shard(String pool, Dto.PoolShard s) {
        if (s == null || s.shard() == null || s.replicas() == null) {
            throw malformed(pool, "a shard without 'shard' or 'replicas'", null);
        }
        return new PoolLeaves.Shard(s.shard(), s.replicas().stream().map(r -> replica(pool, s.shard(), r)).toList());
    }

    private static PoolLeaves.Replica replica(String pool, String shard, Dto.LeafReplica r) {
        if (r == null || r.leafId() == null || r.url() == null || r.source() == null) {
            throw malformed(pool, "a replica of shard '" + shard + "' without 'leafId', 'url' or 'source'", null);
        }
        PoolLeaves.Source source = PoolLeaves.Source.fromWire(r.source())
                .orElseThrow(() -> malformed(pool, "replica '" + r.leafId() + "' has unknown source '" + r.source() + "'",
                        null));
        URI url;
        try {
            url = URI.create(r.url());
        } catch (IllegalArgumentException e) {
            throw malformed(pool, "replica '" + r.leafId() + "' has a malformed url", e);
        }
        Optional<Duration> expiresIn = Optional.ofNullable(r.expiresInMs()).map(Duration::ofMillis);
        return new PoolLeaves.Replica(r.leafId(), url, source, expiresIn);
    }

    private static ProtocolException malformed(String pool, String what, Throwable cause) {
        return new ProtocolException("the root's leaves of pool '" + pool + "' are malformed: " + what, 200, null, cause);
    }
}

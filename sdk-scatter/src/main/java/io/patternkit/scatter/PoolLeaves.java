package io.patternkit.scatter;

import io.patternkit.protocol.LeafSource;
import io.patternkit.protocol.WireName;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the root sidecar knows of a pool at one moment ({@code GET /v1/pools/{pool}/leaves}): each shard
 * with its replicas, from registrations, the static list and DNS. A snapshot for diagnostics, readiness
 * checks and tests (waiting until a leaf has registered or its registration has lapsed); the root
 * decides whom to call at each scatter, so the answer may be stale as soon as it is read.
 *
 * @param pool the pool's name
 * @param shards every known shard, sorted by name; empty for an unknown pool (the root answers an
 *     unknown pool with no shards, not with 404); never null, unmodifiable
 */
public record PoolLeaves(String pool, List<Shard> shards) {

    /**
     * Checks the components and copies the list.
     *
     * @param pool see {@link #pool()}
     * @param shards see {@link #shards()}
     */
    public PoolLeaves {
        Objects.requireNonNull(pool, "pool");
        shards = List.copyOf(shards);
    }

    /**
     * @param shard a shard's name; not null
     * @return the shard with its replicas, or empty when the root knows no replica of it
     */
    public Optional<Shard> shard(String shard) {
        Objects.requireNonNull(shard, "shard");
        return shards.stream().filter(s -> s.shard().equals(shard)).findFirst();
    }

    /**
     * @param shard a shard's name; not null
     * @return the leaf ids of the shard's replicas, sorted; empty when none is known
     */
    public List<String> leafIds(String shard) {
        return shard(shard).map(s -> s.replicas().stream().map(Replica::leafId).toList()).orElse(List.of());
    }

    /**
     * @param leafId a replica's id; not null
     * @return whether any shard of the pool has this replica
     */
    public boolean contains(String leafId) {
        Objects.requireNonNull(leafId, "leafId");
        return shards.stream().flatMap(s -> s.replicas().stream()).anyMatch(r -> r.leafId().equals(leafId));
    }

    /**
     * One shard of the pool and the replicas that serve it.
     *
     * @param shard the shard's name
     * @param replicas its replicas, sorted by leaf id; never null, unmodifiable
     */
    public record Shard(String shard, List<Replica> replicas) {
        /**
         * Checks the components and copies the list.
         *
         * @param shard see {@link #shard()}
         * @param replicas see {@link #replicas()}
         */
        public Shard {
            Objects.requireNonNull(shard, "shard");
            replicas = List.copyOf(replicas);
        }
    }

    /**
     * One replica (leaf) of a shard.
     *
     * @param leafId the replica's id in the pool
     * @param url the URL the root calls (the leaf call)
     * @param source how the root knows the replica
     * @param expiresIn for a {@link Source#REGISTERED} replica, the time left before its registration
     *     lapses unless renewed (measured on the root's monotonic clock when it answered); empty for the
     *     others
     */
    public record Replica(String leafId, URI url, Source source, Optional<Duration> expiresIn) {
        /**
         * Checks the components.
         *
         * @param leafId see {@link #leafId()}
         * @param url see {@link #url()}
         * @param source see {@link #source()}
         * @param expiresIn see {@link #expiresIn()}
         */
        public Replica {
            Objects.requireNonNull(leafId, "leafId");
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(expiresIn, "expiresIn");
        }
    }

    /**
     * How the root sidecar learnt of a replica (wire names in parentheses): the application's view
     * of {@link LeafSource}, the wire's vocabulary, whose names it takes.
     */
    public enum Source {
        /** The leaf registered itself and keeps renewing ({@code registered}); it leaves when that lapses. */
        REGISTERED(LeafSource.REGISTERED),
        /** From the root's {@code --leaf POOL/SHARD=URL} options ({@code static}). */
        STATIC(LeafSource.STATIC),
        /** From a DNS name resolved every {@code --dns-interval} ({@code dns}), such as a headless Service. */
        DNS(LeafSource.DNS);

        private final LeafSource wire;

        Source(LeafSource wire) {
            this.wire = wire;
        }

        /** @return the name on the wire, such as {@code registered} */
        public String wireName() {
            return wire.wireName();
        }

        /**
         * @param wireName a source read off the wire; may be null
         * @return the source, or empty when unknown
         */
        public static Optional<Source> fromWire(String wireName) {
            return WireName.fromWire(LeafSource.class, wireName).map(wire -> valueOf(wire.name()));
        }
    }
}

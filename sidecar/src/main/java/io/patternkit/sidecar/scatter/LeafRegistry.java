package io.patternkit.sidecar.scatter;

import io.patternkit.protocol.LeafSource;

import io.patternkit.sidecar.common.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The leaves of every pool, from three sources: registrations with a TTL (a registration lapses
 * when not renewed within its TTL, on the registry's monotonic clock, and the leaf leaves the pool
 * at once), the static list of the command line, and DNS discovery (replaced wholesale per pool at
 * each resolution). A leaf id is unique per pool and source. Thread-safe.
 */
public final class LeafRegistry {
    private static final Comparator<Leaf> ORDER = Comparator.comparing(Leaf::leafId).thenComparing(Leaf::source);

    private final Ticker ticker;
    private final Map<String, Map<String, Leaf>> registered = new ConcurrentHashMap<>();
    private final Map<String, List<Leaf>> fixed = new ConcurrentHashMap<>();
    private final Map<String, List<Leaf>> discovered = new ConcurrentHashMap<>();

    /** @param ticker the monotonic clock registrations lapse on */
    public LeafRegistry(Ticker ticker) {
        this.ticker = ticker;
    }

    /**
     * Registers a leaf or renews its registration (an upsert: a new shard or url replaces the old).
     *
     * @param pool a valid pool name
     * @param leafId a valid leaf id
     * @param shard a valid shard name
     * @param url the leaf call URL
     * @param ttl how long the registration lasts without another call
     * @return the registration
     */
    public Leaf register(String pool, String leafId, String shard, String url, Duration ttl) {
        Leaf leaf = new Leaf(pool, shard, leafId, url, LeafSource.REGISTERED, ticker.nanoTime() + ttl.toNanos());
        registered.compute(pool, (p, leaves) -> {
            Map<String, Leaf> map = leaves == null ? new ConcurrentHashMap<>() : leaves;
            map.put(leafId, leaf);
            return map;
        });
        return leaf;
    }

    /**
     * Removes a registration; does nothing when there is none.
     *
     * @param pool the pool
     * @param leafId the leaf id
     */
    public void deregister(String pool, String leafId) {
        registered.computeIfPresent(pool, (p, leaves) -> {
            leaves.remove(leafId);
            return leaves.isEmpty() ? null : leaves;
        });
    }

    /**
     * Adds a leaf of the static list.
     *
     * @param leaf a leaf whose source is {@link LeafSource#STATIC}
     */
    public void addStatic(Leaf leaf) {
        fixed.computeIfAbsent(leaf.pool(), p -> new CopyOnWriteArrayList<>()).add(leaf);
    }

    /**
     * Replaces the leaves DNS found for a pool.
     *
     * @param pool the pool
     * @param leaves the leaves found now, whose source is {@link LeafSource#DNS}
     */
    public void replaceDiscovered(String pool, List<Leaf> leaves) {
        discovered.put(pool, List.copyOf(leaves));
    }

    /**
     * The pool's live leaves by shard.
     *
     * @param pool the pool
     * @return shard name to replicas (sorted by leaf id), shards sorted by name; empty for an unknown pool
     */
    public SortedMap<String, List<Leaf>> shards(String pool) {
        long now = ticker.nanoTime();
        SortedMap<String, List<Leaf>> shards = new TreeMap<>();
        Map<String, Leaf> leaves = registered.get(pool);
        if (leaves != null) {
            for (Leaf leaf : leaves.values()) {
                if (leaf.expiresAtNanos() - now > 0) {
                    shards.computeIfAbsent(leaf.shard(), s -> new ArrayList<>()).add(leaf);
                } else {
                    leaves.remove(leaf.leafId(), leaf);
                }
            }
        }
        for (Leaf leaf : fixed.getOrDefault(pool, List.of())) {
            shards.computeIfAbsent(leaf.shard(), s -> new ArrayList<>()).add(leaf);
        }
        for (Leaf leaf : discovered.getOrDefault(pool, List.of())) {
            shards.computeIfAbsent(leaf.shard(), s -> new ArrayList<>()).add(leaf);
        }
        shards.values().forEach(replicas -> replicas.sort(ORDER));
        return shards;
    }

    /**
     * @param leaf a registered leaf
     * @return the time left before its registration lapses, zero when lapsed; empty for other sources
     */
    public Optional<Duration> expiresIn(Leaf leaf) {
        if (leaf.source() != LeafSource.REGISTERED) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(Math.max(0, leaf.expiresAtNanos() - ticker.nanoTime())));
    }

    /** Drops lapsed registrations, so that pools that stopped registering free their memory. */
    public void purgeLapsed() {
        long now = ticker.nanoTime();
        for (String pool : List.copyOf(registered.keySet())) {
            registered.computeIfPresent(pool, (p, leaves) -> {
                leaves.values().removeIf(l -> l.expiresAtNanos() - now <= 0);
                return leaves.isEmpty() ? null : leaves;
            });
        }
    }
}

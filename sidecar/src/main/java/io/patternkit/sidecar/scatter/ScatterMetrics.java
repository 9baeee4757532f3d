package io.patternkit.sidecar.scatter;

import io.patternkit.protocol.ShardStatus;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The scatter meters, per pool. Meter names live here and nowhere else. Thread-safe.
 *
 * <ul>
 *   <li>{@code patternkit_scatter_leaf_latency_seconds{pool}}: answered leaf requests' latency.</li>
 *   <li>{@code patternkit_scatter_leaf_requests_total{pool,kind}}: leaf requests sent, by kind
 *       ({@code first}, {@code hedge}, {@code failover}).</li>
 *   <li>{@code patternkit_scatter_hedges_total{pool,result}}: hedges {@code won}; hedges
 *       {@code denied} by the extra-load budget; and hedges {@code deferred}, put off until the hedge is
 *       later because the budget is running low (a hedge may be deferred more than once, and
 *       sent or denied after).</li>
 *   <li>{@code patternkit_scatter_cancellations_total{pool}}: leaf requests cancelled.</li>
 *   <li>{@code patternkit_scatter_shards_total{pool,status}}: shard outcomes by status.</li>
 *   <li>{@code patternkit_scatter_duration_seconds{pool,complete}}: scatter calls' latency.</li>
 * </ul>
 *
 * <p>A pool's meters go {@link ScatterEngine#FORGET_POOL_AFTER} after its last call, and come back with its next.
 */
public final class ScatterMetrics {
    /** Answered leaf requests' latency, by {@code pool}. */
    public static final String LEAF_LATENCY = "patternkit.scatter.leaf.latency";
    /** Leaf requests sent, by {@code pool} and {@code kind}. */
    public static final String LEAF_REQUESTS = "patternkit.scatter.leaf.requests";
    /** Hedges won, denied or deferred, by {@code pool} and {@code result}. */
    public static final String HEDGES = "patternkit.scatter.hedges";
    /** Leaf requests cancelled, by {@code pool}. */
    public static final String CANCELLATIONS = "patternkit.scatter.cancellations";
    /** Shard outcomes, by {@code pool} and {@code status}. */
    public static final String SHARDS = "patternkit.scatter.shards";
    /** Scatter calls' latency, by {@code pool} and {@code complete}. */
    public static final String DURATION = "patternkit.scatter.duration";

    /** Kinds of leaf request. */
    public enum Kind {
        /** A shard's first request in a call. */
        FIRST,
        /** A hedged request while an earlier request of the shard is outstanding. */
        HEDGE,
        /** A request to another replica after one failed. */
        FAILOVER
    }

    private final MeterRegistry registry;

    /** @param registry where to register the meters, never null */
    public ScatterMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void leafLatency(String pool, Duration latency) {
        Timer.builder(LEAF_LATENCY).tag("pool", pool).publishPercentileHistogram(false).register(registry).record(latency);
    }

    void leafRequest(String pool, Kind kind) {
        Counter.builder(LEAF_REQUESTS).tag("pool", pool).tag("kind", kind.name().toLowerCase(Locale.ROOT))
                .register(registry).increment();
    }

    void hedge(String pool, String result) {
        Counter.builder(HEDGES).tag("pool", pool).tag("result", result).register(registry).increment();
    }

    void cancelled(String pool) {
        Counter.builder(CANCELLATIONS).tag("pool", pool).register(registry).increment();
    }

    void shard(String pool, ShardStatus status) {
        Counter.builder(SHARDS).tag("pool", pool).tag("status", status.wireName()).register(registry).increment();
    }

    /**
     * Removes every meter of the pool, for a pool no call has used for a while; a later call registers them anew.
     *
     * @param pool the pool
     */
    void forget(String pool) {
        for (String name : List.of(LEAF_LATENCY, LEAF_REQUESTS, HEDGES, CANCELLATIONS, SHARDS, DURATION)) {
            registry.find(name).tag("pool", pool).meters().forEach(registry::remove);
        }
    }

    void scatter(String pool, boolean complete, Duration elapsed) {
        Timer.builder(DURATION).tag("pool", pool).tag("complete", Boolean.toString(complete)).register(registry)
                .record(elapsed);
    }
}

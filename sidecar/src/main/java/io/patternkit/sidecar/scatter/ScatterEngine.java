package io.patternkit.sidecar.scatter;

import io.patternkit.sidecar.common.ExtraLoadBudget;
import io.patternkit.sidecar.common.JsonMappers;
import io.patternkit.sidecar.common.LatencyTracker;
import io.patternkit.sidecar.host.OutboundToken;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Starts scatter calls and keeps what outlives them, per pool: recent leaf latency (for the hedge
 * delay), the hedge budget and the round-robin position of each shard's replicas. A pool's latency and
 * budget that no call has used for longer than they remember anything (the latency window, or the hedge
 * budget's {@link ExtraLoadBudget#WINDOW} if longer) are dropped: ones made anew are the same, and pools
 * whose leaves come and go no longer add up (a latency tracker holds about 200 KB). The rotation positions
 * (a counter per shard) and the pool's meters stay longer, {@link #FORGET_POOL_AFTER} after its last call, so a pool
 * called rarely still takes its replicas in turn and keeps its series, while pool names that are not used again do not
 * add up either. Thread-safe; each call runs on the context it was started on.
 */
public final class ScatterEngine {
    private final TaskScheduler scheduler;
    private final JsonPoster poster;
    private final ScatterMetrics metrics;
    private final OutboundToken token;
    private final Settings settings;
    private final JsonMapper mapper = JsonMappers.standard();
    /** How long a pool keeps its meters and rotation positions after its last call. */
    public static final Duration FORGET_POOL_AFTER = Duration.ofMinutes(10);

    private final Map<String, PoolState> pools = new ConcurrentHashMap<>();
    /** Each shard's rotation position: kept when its pool's state is forgotten, so rare calls still take turns. */
    private final Map<String, AtomicInteger> roundRobin = new ConcurrentHashMap<>();
    /** When each pool's last call started, for {@link #FORGET_POOL_AFTER}. */
    private final Map<String, Long> lastCallNanos = new ConcurrentHashMap<>();
    private final long forgetAfterNanos;
    private final AtomicLong nextSweepNanos;

    /**
     * How the engine tracks latency and budgets hedges.
     *
     * @param latencyWindow how much recent traffic the hedge delay percentile covers
     * @param latencySlots how many pieces the window rotates in
     * @param minSamples how many answered leaf requests a pool needs before its percentile is used
     *     (until then the hedge delay is the call's {@code maxDelay})
     * @param hedgeBurst the hedges a pool may send within any {@link ExtraLoadBudget#WINDOW} beyond its
     *     percentage of that window's first requests (the budget's reserve)
     */
    public record Settings(Duration latencyWindow, int latencySlots, long minSamples, int hedgeBurst) {
        /** 30 s window in 6 slots, 20 samples, a burst of 10. */
        public static final Settings DEFAULT = new Settings(Duration.ofSeconds(30), 6, 20, 10);
    }

    /**
     * Creates the engine.
     *
     * @param scheduler time and timers
     * @param poster sends leaf calls
     * @param metrics the meters
     * @param token the API token as sent to leaves ({@code Authorization: Bearer}, never in clear over a network)
     * @param settings latency tracking and hedge budget settings
     */
    public ScatterEngine(TaskScheduler scheduler, JsonPoster poster, ScatterMetrics metrics, OutboundToken token,
                         Settings settings) {
        this.scheduler = scheduler;
        this.poster = poster;
        this.metrics = metrics;
        this.token = token;
        this.settings = settings;
        this.forgetAfterNanos = Math.max(settings.latencyWindow().toNanos(), ExtraLoadBudget.WINDOW.toNanos());
        this.nextSweepNanos = new AtomicLong(scheduler.nanoTime() + forgetAfterNanos);
    }

    /**
     * Starts a call: sends the first requests at once and returns; outcomes go to the listener on
     * this thread's context.
     *
     * @param plan the validated call
     * @param listener receives one part per shard, then the outcome
     * @return the running call, which the caller may {@link ScatterCall#cancel() cancel}
     */
    public ScatterCall start(ScatterPlan plan, ScatterListener listener) {
        long now = scheduler.nanoTime();
        sweepIfDue(now);
        lastCallNanos.put(plan.pool(), now);
        ScatterCall call = new ScatterCall(this, plan, listener);
        call.start();
        return call;
    }

    /**
     * @param pool a pool name
     * @return the pool's latency tracker, created on first use
     */
    public LatencyTracker latency(String pool) {
        return state(pool).latency;
    }

    ExtraLoadBudget budget(String pool) {
        return state(pool).budget;
    }

    int nextRoundRobin(String pool, String shard) {
        return roundRobin.computeIfAbsent(pool + '\u0000' + shard, k -> new AtomicInteger()).getAndIncrement();
    }

    /** @return how many pools the engine holds state for */
    int poolsHeld() {
        return pools.size();
    }

    /**
     * The pool's state, made on first use, marked as used now. At most once per forgetting period, drops the
     * states of pools unused for longer: a call that takes a pool's state just as it is dropped works with it
     * to its end, and the next call starts afresh, as it would have anyway.
     */
    private PoolState state(String pool) {
        long now = scheduler.nanoTime();
        sweepIfDue(now);
        PoolState state = pools.computeIfAbsent(pool, p -> new PoolState(new LatencyTracker(scheduler,
                settings.latencyWindow(), settings.latencySlots(), settings.minSamples()),
                new ExtraLoadBudget(settings.hedgeBurst(), scheduler)));
        state.usedNanos = now;
        return state;
    }

    /**
     * At most once per forgetting period: drops the states of pools unused for longer, and the meters and rotation
     * positions of pools without a call for {@link #FORGET_POOL_AFTER} (no call of theirs can still be running: a call's
     * deadline is at most a minute).
     */
    private void sweepIfDue(long now) {
        long sweepAt = nextSweepNanos.get();
        if (now - sweepAt < 0 || !nextSweepNanos.compareAndSet(sweepAt, now + forgetAfterNanos)) {
            return;
        }
        pools.values().removeIf(state -> now - state.usedNanos > forgetAfterNanos);
        List<Map.Entry<String, Long>> idle = lastCallNanos.entrySet().stream()
                .filter(e -> now - e.getValue() > FORGET_POOL_AFTER.toNanos()).map(e -> Map.entry(e.getKey(), e.getValue())).toList();
        for (Map.Entry<String, Long> pool : idle) {
            if (lastCallNanos.remove(pool.getKey(), pool.getValue())) { // not when a call began meanwhile
                roundRobin.keySet().removeIf(key -> key.startsWith(pool.getKey() + '\u0000'));
                metrics.forget(pool.getKey());
            }
        }
    }

    /** What a pool's calls leave behind that it forgets: recent latency and the hedge budget. */
    private static final class PoolState {
        final LatencyTracker latency;
        final ExtraLoadBudget budget;
        volatile long usedNanos;

        PoolState(LatencyTracker latency, ExtraLoadBudget budget) {
            this.latency = latency;
            this.budget = budget;
        }
    }

    TaskScheduler scheduler() {
        return scheduler;
    }

    JsonPoster poster() {
        return poster;
    }

    ScatterMetrics metrics() {
        return metrics;
    }

    OutboundToken token() {
        return token;
    }

    String quote(String text) {
        try {
            return mapper.writeValueAsString(text);
        } catch (JacksonException e) {
            throw new IllegalStateException(e);
        }
    }
}

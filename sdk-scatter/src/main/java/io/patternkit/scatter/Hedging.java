package io.patternkit.scatter;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Hedged requests (The Tail at Scale; gRPC hedging; Finagle backup requests): after a delay equal to
 * the pool's observed leaf latency at {@link #delayPercentile()} (bounded by {@link #minDelay()} and
 * {@link #maxDelay()}), the root asks another replica of a still-unanswered shard, and again after each
 * further delay up to {@link #maxHedges()}, once half of the call's other shards have answered (a shard
 * slower than its call's median shard; a slowness that hits every shard alike is not hedged); the first
 * answer wins and the others are cancelled. Hedges are throttled so that, within any 10 s, they stay within
 * {@link #maxExtraLoadPercent()} of the pool's first requests plus a small reserve (Finagle's retry
 * budget); once half of that is spent, a hedge also waits until it is late by a multiple of the delay
 * that grows as the rest is spent, so what is left goes to the worst stragglers. Settings left unset take
 * the root sidecar's defaults (p95, delay 1 ms to 1 s, 5 %, 2 hedges).
 * Immutable; the {@code with...} methods return changed copies.
 */
public final class Hedging {
    private static final Hedging DISABLED = new Hedging(false, null, null, null, null, null);
    private static final Hedging ENABLED = new Hedging(true, null, null, null, null, null);

    private final boolean enabled;
    private final Double delayPercentile;
    private final Duration minDelay;
    private final Duration maxDelay;
    private final Double maxExtraLoadPercent;
    private final Integer maxHedges;

    private Hedging(boolean enabled, Double delayPercentile, Duration minDelay, Duration maxDelay,
            Double maxExtraLoadPercent, Integer maxHedges) {
        this.enabled = enabled;
        this.delayPercentile = delayPercentile;
        this.minDelay = minDelay;
        this.maxDelay = maxDelay;
        this.maxExtraLoadPercent = maxExtraLoadPercent;
        this.maxHedges = maxHedges;
    }

    /** @return no hedged requests: one attempt per shard */
    public static Hedging disabled() {
        return DISABLED;
    }

    /** @return hedging with the root sidecar's default settings */
    public static Hedging enabled() {
        return ENABLED;
    }

    /**
     * @param percentile the observed latency percentile used as the hedge delay, 1 to 99.99, such as 95.0
     * @return an enabled copy with it set
     */
    public Hedging withDelayPercentile(double percentile) {
        if (!(percentile >= 1 && percentile <= 99.99)) {
            throw new IllegalArgumentException("delayPercentile must be 1 to 99.99, got " + percentile);
        }
        return new Hedging(true, percentile, minDelay, maxDelay, maxExtraLoadPercent, maxHedges);
    }

    /**
     * @param min the shortest hedge delay (ms precision), 0 to {@code max}; the root's default is 1 ms
     * @param max the longest hedge delay (ms precision), 1 ms to 60 s; also the delay while the pool has too
     *     few latency samples; the root's default is 1 s
     * @return an enabled copy with the bounds set
     */
    public Hedging withDelayBounds(Duration min, Duration max) {
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        if (min.isNegative() || max.toMillis() < 1 || max.compareTo(ScatterOptions.MAX_DEADLINE) > 0
                || min.compareTo(max) > 0) {
            throw new IllegalArgumentException("hedge delay bounds need 0 <= min <= max, 1 ms <= max <= 60 s, got min "
                    + min + ", max " + max);
        }
        return new Hedging(true, delayPercentile, min, max, maxExtraLoadPercent, maxHedges);
    }

    /**
     * @param percent the most hedged requests may add to the leaf load, in [0, 100], such as 5.0 (0 sends
     *     no hedges)
     * @return an enabled copy with the budget set
     */
    public Hedging withMaxExtraLoadPercent(double percent) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("maxExtraLoadPercent must be in [0, 100], got " + percent);
        }
        return new Hedging(true, delayPercentile, minDelay, maxDelay, percent, maxHedges);
    }

    /**
     * @param max the most hedged requests per shard, 1 to 4, each one hedge delay after the one before (as
     *     gRPC's hedging policy spaces attempts); the first goes to an untried replica, a later one, once every
     *     replica has been asked, to the replica whose request has waited longest. The root's default is 2: a
     *     second hedge rescues the shard whose first hedge met a straggler too, which is what decides p99.9
     *     when 1 % of leaf calls straggle (docs/benchmarks.md). Every hedge spends the same budget.
     * @return an enabled copy with the cap set
     * @throws IllegalArgumentException when {@code max} is outside 1 to 4
     */
    public Hedging withMaxHedges(int max) {
        if (max < 1 || max > 4) {
            throw new IllegalArgumentException("maxHedges must be 1 to 4, got " + max);
        }
        return new Hedging(true, delayPercentile, minDelay, maxDelay, maxExtraLoadPercent, max);
    }

    /** @return whether hedged requests may be sent */
    public boolean isEnabled() {
        return enabled;
    }

    /** @return the latency percentile used as delay, or empty for the root's default */
    public OptionalDouble delayPercentile() {
        return delayPercentile == null ? OptionalDouble.empty() : OptionalDouble.of(delayPercentile);
    }

    /** @return the shortest hedge delay, or empty for the root's default */
    public Optional<Duration> minDelay() {
        return Optional.ofNullable(minDelay);
    }

    /** @return the longest hedge delay, or empty for the root's default */
    public Optional<Duration> maxDelay() {
        return Optional.ofNullable(maxDelay);
    }

    /** @return the extra-load budget in percent, or empty for the root's default */
    public OptionalDouble maxExtraLoadPercent() {
        return maxExtraLoadPercent == null ? OptionalDouble.empty() : OptionalDouble.of(maxExtraLoadPercent);
    }

    /** @return the most hedged requests per shard, or empty for the root's default */
    public OptionalInt maxHedges() {
        return maxHedges == null ? OptionalInt.empty() : OptionalInt.of(maxHedges);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hedging h && h.enabled == enabled && Objects.equals(h.delayPercentile, delayPercentile)
                && Objects.equals(h.minDelay, minDelay) && Objects.equals(h.maxDelay, maxDelay)
                && Objects.equals(h.maxExtraLoadPercent, maxExtraLoadPercent) && Objects.equals(h.maxHedges, maxHedges);
    }

    @Override
    public int hashCode() {
        return Objects.hash(enabled, delayPercentile, minDelay, maxDelay, maxExtraLoadPercent, maxHedges);
    }

    @Override
    public String toString() {
        return !enabled ? "Hedging{disabled}" : "Hedging{percentile=" + delayPercentile + ", minDelay=" + minDelay
                + ", maxDelay=" + maxDelay + ", maxExtraLoadPercent=" + maxExtraLoadPercent + ", maxHedges=" + maxHedges + '}';
    }
}

package io.patternkit.scatter;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Hedged requests (The Tail at Scale; gRPC hedging; Finagle backup requests): after a delay equal to
 * the pool's observed leaf latency at {@link #delayPercentile()} (bounded by {@link #minDelay()} and
 * {@link #maxDelay()}), the root asks another replica of a still-unanswered shard; the first answer wins
 * and the loser is cancelled. Hedges are throttled so that they stay within {@link #maxExtraLoadPercent()}
 * of all leaf requests. Settings left unset take the root sidecar's defaults (p95, delay 1 ms to 1 s,
 * 5 %). Immutable; the
 * {@code with...} methods return changed copies.
 */
public final class Hedging {
    private static final Hedging DISABLED = new Hedging(false, null, null, null, null);
    private static final Hedging ENABLED = new Hedging(true, null, null, null, null);

    private final boolean enabled;
    private final Double delayPercentile;
    private final Duration minDelay;
    private final Duration maxDelay;
    private final Double maxExtraLoadPercent;

    private Hedging(boolean enabled, Double delayPercentile, Duration minDelay, Duration maxDelay,
            Double maxExtraLoadPercent) {
        this.enabled = enabled;
        this.delayPercentile = delayPercentile;
        this.minDelay = minDelay;
        this.maxDelay = maxDelay;
        this.maxExtraLoadPercent = maxExtraLoadPercent;
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
        return new Hedging(true, percentile, minDelay, maxDelay, maxExtraLoadPercent);
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
        return new Hedging(true, delayPercentile, min, max, maxExtraLoadPercent);
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
        return new Hedging(true, delayPercentile, minDelay, maxDelay, percent);
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

    @Override
    public boolean equals(Object o) {
        return o instanceof Hedging h && h.enabled == enabled && Objects.equals(h.delayPercentile, delayPercentile)
                && Objects.equals(h.minDelay, minDelay) && Objects.equals(h.maxDelay, maxDelay)
                && Objects.equals(h.maxExtraLoadPercent, maxExtraLoadPercent);
    }

    @Override
    public int hashCode() {
        return Objects.hash(enabled, delayPercentile, minDelay, maxDelay, maxExtraLoadPercent);
    }

    @Override
    public String toString() {
        return !enabled ? "Hedging{disabled}" : "Hedging{percentile=" + delayPercentile + ", minDelay=" + minDelay
                + ", maxDelay=" + maxDelay + ", maxExtraLoadPercent=" + maxExtraLoadPercent + '}';
    }
}

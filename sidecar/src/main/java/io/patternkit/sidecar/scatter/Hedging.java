package io.patternkit.sidecar.scatter;

import java.time.Duration;

/**
 * When and how much a scatter call hedges.
 *
 * @param enabled whether to hedge at all
 * @param delayPercentile the percentile of the pool's recent leaf latency to wait before hedging, in (0, 100)
 * @param minDelay never hedge sooner
 * @param maxDelay the longest hedge delay; also the delay while the pool has too few latency samples (a budget
 *     more than half spent may make a hedge wait a multiple of the delay: {@link ScatterCall})
 * @param maxExtraLoadPercent hedged requests as a share of first requests, 0 to 100
 * @param maxHedges hedged requests per shard at most, 1 to 4, each one delay after the one before
 */
public record Hedging(boolean enabled, double delayPercentile, Duration minDelay, Duration maxDelay,
                      double maxExtraLoadPercent, int maxHedges) {
    /** The defaults of the contract: enabled, p95, 1 ms to 1 s, 5 %, 2 hedges per shard. */
    public static final Hedging DEFAULT = new Hedging(true, 95.0, Duration.ofMillis(1), Duration.ofSeconds(1), 5.0, 2);

    /** @return whether this call may send hedged requests at all */
    public boolean active() {
        return enabled && maxExtraLoadPercent > 0;
    }
}

package io.patternkit.sidecar.scatter;

/**
 * The extra-load budget of one pool's hedged requests, a token bucket as in gRPC hedging
 * throttling: every first leaf request earns {@code maxExtraLoadPercent / 100} of a token, every
 * hedged request spends one whole token, and the bucket holds at most {@code burst} tokens (it
 * starts full). Over any stretch of traffic, hedges stay within {@code burst} plus the given
 * percentage of first requests. Tokens are counted in thousandths, so percentages are exact to
 * 0.1 %. Thread-safe.
 */
public final class HedgeBudget {
    private static final long ONE = 1_000;
    private final long capacity;
    private long tokens;

    /** @param burst the most hedges allowed back to back, at least 1 */
    public HedgeBudget(int burst) {
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1");
        }
        this.capacity = burst * ONE;
        this.tokens = capacity;
    }

    /**
     * Earns budget for one first leaf request.
     *
     * @param maxExtraLoadPercent the call's allowance, 0 to 100
     */
    public synchronized void earn(double maxExtraLoadPercent) {
        tokens = Math.min(capacity, tokens + Math.round(maxExtraLoadPercent * ONE / 100.0));
    }

    /** @return true, spending a token, when a hedged request may be sent now */
    public synchronized boolean trySpend() {
        if (tokens < ONE) {
            return false;
        }
        tokens -= ONE;
        return true;
    }
}

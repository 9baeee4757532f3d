package io.patternkit.sidecar.common;

/**
 * A budget of extra requests (hedges, retries), a token bucket as in gRPC's retry and hedging
 * throttling and Finagle's retry budget: every first request earns {@code maxExtraLoadPercent / 100}
 * of a token, every extra request spends one whole token, and the bucket holds at most
 * {@code burst} tokens (it starts full). Over any stretch of traffic, extra requests stay within
 * {@code burst} plus the given percentage of first requests, so a failing upstream is not hit with
 * a retry storm. Tokens are counted in thousandths, so percentages are exact to 0.1 %. Thread-safe.
 */
public final class ExtraLoadBudget {
    private static final long ONE = 1_000;
    private final long capacity;
    private long tokens;

    /** @param burst the most extra requests allowed back to back, at least 1 */
    public ExtraLoadBudget(int burst) {
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1");
        }
        this.capacity = burst * ONE;
        this.tokens = capacity;
    }

    /**
     * Earns budget for one first request.
     *
     * @param maxExtraLoadPercent the call's allowance, 0 to 100
     */
    public synchronized void earn(double maxExtraLoadPercent) {
        tokens = Math.min(capacity, tokens + Math.round(maxExtraLoadPercent * ONE / 100.0));
    }

    /** @return true, spending a token, when an extra request may be sent now */
    public synchronized boolean trySpend() {
        if (tokens < ONE) {
            return false;
        }
        tokens -= ONE;
        return true;
    }
}

package io.patternkit.sidecar.common;

import java.time.Duration;

/**
 * A budget of extra requests (hedges, retries) kept as Finagle's {@code RetryBudget} keeps it: every
 * first request deposits {@code maxExtraLoadPercent / 100} of a token, every extra request withdraws
 * one whole token, and deposits and withdrawals alike expire after {@link #WINDOW} (Finagle's default
 * time to live). An extra request may be sent when what the window holds, plus a fixed reserve of
 * {@code reserve} tokens, covers it.
 *
 * <p>So within any window, extra requests stay within the reserve plus the percentage of that window's
 * first requests: a failing upstream never sees a retry storm, and a steady stream of first requests
 * earns a balance that a burst of slow or failed requests can spend at once. This is the difference
 * from the token bucket of gRPC's retry throttling, capped at a small burst, which a run of
 * stragglers drains and which then refuses the very requests the budget was earned for. The reserve
 * lets a trickle of traffic (where a percentage earns nothing) retry at all.
 *
 * <p>For hedges, the budget also says how late a hedge must be to be worth what is left of it
 * ({@link #requiredOverdue()}): any hedge as soon as it is due while at least half of the window's
 * allowance (its deposits plus the reserve) is unspent, and, as the rest runs down, only one that has
 * been due for ever more hedge delays. So a stretch of merely slow requests, which a hedge barely beats, spends
 * half of the allowance at most, and what is left goes to the stragglers a hedge rescues, rather than
 * to whichever requests came first. The Tail at Scale (Dean and Barroso) hedges only past the 95th
 * percentile so that hedges go to the slowest requests; here that bar also rises as the budget is spent.
 *
 * <p>The window moves in tenths ({@value #SLOTS} slots), so a deposit counts for between 9/10 and
 * all of the window. Tokens are counted in thousandths, so percentages are exact to 0.1 %.
 * Thread-safe.
 */
public final class ExtraLoadBudget {
    /** How long a deposit or a withdrawal counts: 10 s, Finagle's default. */
    public static final Duration WINDOW = Duration.ofSeconds(10);
    private static final int SLOTS = 10;
    private static final long ONE = 1_000;
    private static final long SLOT_NANOS = WINDOW.toNanos() / SLOTS;

    private final Ticker ticker;
    private final long reserve;
    private final long[] deposits = new long[SLOTS];
    private final long[] withdrawals = new long[SLOTS];
    private long currentSlot;
    private long deposited;
    private long withdrawn;

    /**
     * Creates an empty budget (only the reserve is available at first).
     *
     * @param reserve extra requests allowed within any window beyond the percentage, at least 1
     * @param ticker the clock the window moves by
     * @throws IllegalArgumentException when {@code reserve} is less than 1
     */
    public ExtraLoadBudget(int reserve, Ticker ticker) {
        if (reserve < 1) {
            throw new IllegalArgumentException("the reserve must be at least 1");
        }
        this.reserve = reserve * ONE;
        this.ticker = ticker;
        this.currentSlot = Math.floorDiv(ticker.nanoTime(), SLOT_NANOS);
    }

    /**
     * Deposits the allowance of one first request.
     *
     * @param maxExtraLoadPercent the call's allowance, 0 to 100
     */
    public synchronized void earn(double maxExtraLoadPercent) {
        rotate();
        long thousandths = Math.round(maxExtraLoadPercent * ONE / 100.0);
        deposits[slot()] += thousandths;
        deposited += thousandths;
    }

    /** @return true, withdrawing a token, when an extra request may be sent now, however late */
    public synchronized boolean trySpend() {
        return tryHedge(Double.POSITIVE_INFINITY) == 0;
    }

    /**
     * Withdraws a token for a hedge when it is late enough for what is left ({@link #requiredOverdue()}),
     * or says how much later it must be: one decision under one lock, so that what it answers holds for
     * the state it was made on.
     *
     * @param overdue how late the hedge is, in hedge delays: 1 when it has just fallen due, one more for each
     *     delay it has waited since
     * @return 0 when a token was withdrawn (send the hedge now); otherwise how many more hedge delays the
     *     hedge must wait before it is late enough, or {@link Double#POSITIVE_INFINITY} when the budget is spent
     */
    public synchronized double tryHedge(double overdue) {
        rotate();
        double required = required();
        if (required == Double.POSITIVE_INFINITY) {
            return Double.POSITIVE_INFINITY;
        }
        if (overdue < required) {
            return required - overdue;
        }
        withdrawals[slot()] += ONE;
        withdrawn += ONE;
        return 0;
    }

    /**
     * How late a hedge must be to be allowed now, in hedge delays as {@link #tryHedge(double)} counts
     * them: 1 while at least half of the window's allowance (its deposits plus the reserve) is unspent;
     * then the allowance over twice what is left of it (2 with a quarter left, 4 with an eighth, 10 with
     * a twentieth); infinite when less than one token is left. The rule {@link #tryHedge(double)} applies,
     * read without a withdrawal (by the tests).
     *
     * @return at least 1, or {@link Double#POSITIVE_INFINITY}
     */
    synchronized double requiredOverdue() {
        rotate();
        return required();
    }

    private double required() {
        long allowance = deposited + reserve;
        long left = allowance - withdrawn;
        if (left < ONE) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.max(1.0, allowance / (2.0 * left));
    }

    private int slot() {
        return Math.floorMod(currentSlot, SLOTS);
    }

    /** Expires the slots that have left the window since the last call. */
    private void rotate() {
        long now = Math.floorDiv(ticker.nanoTime(), SLOT_NANOS);
        long expired = Math.min(now - currentSlot, SLOTS);
        for (long i = 1; i <= expired; i++) {
            int slot = Math.floorMod(currentSlot + i, SLOTS);
            deposited -= deposits[slot];
            withdrawn -= withdrawals[slot];
            deposits[slot] = 0;
            withdrawals[slot] = 0;
        }
        currentSlot = Math.max(currentSlot, now);
    }
}

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
    private final long[] slots = new long[SLOTS];
    private long currentSlot;
    private long balance;

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
        add(Math.round(maxExtraLoadPercent * ONE / 100.0));
    }

    /** @return true, withdrawing a token, when an extra request may be sent now */
    public synchronized boolean trySpend() {
        rotate();
        if (balance + reserve < ONE) {
            return false;
        }
        add(-ONE);
        return true;
    }

    private void add(long thousandths) {
        rotate();
        slots[Math.floorMod(currentSlot, SLOTS)] += thousandths;
        balance += thousandths;
    }

    /** Expires the slots that have left the window since the last call. */
    private void rotate() {
        long now = Math.floorDiv(ticker.nanoTime(), SLOT_NANOS);
        long expired = Math.min(now - currentSlot, SLOTS);
        for (long i = 1; i <= expired; i++) {
            int slot = Math.floorMod(currentSlot + i, SLOTS);
            balance -= slots[slot];
            slots[slot] = 0;
        }
        currentSlot = Math.max(currentSlot, now);
    }
}

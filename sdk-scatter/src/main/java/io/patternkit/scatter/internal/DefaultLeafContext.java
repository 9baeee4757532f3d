package io.patternkit.scatter.internal;

import io.patternkit.scatter.LeafContext;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link LeafContext} whose deadline is measured on {@link System#nanoTime()} from the budget the root
 * passed down, and whose cancellation is a future completed by {@link #cancel()}. Public for the fakes in
 * {@code sdk-testing}. Internal.
 */
public final class DefaultLeafContext implements LeafContext {
    private final String pool;
    private final String shard;
    private final String leafId;
    private final String scatterId;
    private final int attempt;
    private final long deadlineNanos;
    private final CompletableFuture<Void> cancelled = new CompletableFuture<>();

    /**
     * @param pool the pool
     * @param shard the shard
     * @param leafId the leaf id
     * @param scatterId the scatter id, empty when unknown
     * @param attempt the attempt, from 1
     * @param budget the remaining budget at the time of the call
     */
    public DefaultLeafContext(String pool, String shard, String leafId, String scatterId, int attempt, Duration budget) {
        this.pool = pool;
        this.shard = shard;
        this.leafId = leafId;
        this.scatterId = scatterId;
        this.attempt = attempt;
        this.deadlineNanos = System.nanoTime() + budget.toNanos();
    }

    /** Cancels the call; idempotent. */
    public void cancel() {
        cancelled.complete(null);
    }

    @Override
    public String pool() {
        return pool;
    }

    @Override
    public String shard() {
        return shard;
    }

    @Override
    public String leafId() {
        return leafId;
    }

    @Override
    public String scatterId() {
        return scatterId;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public Duration remaining() {
        long left = deadlineNanos - System.nanoTime();
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    @Override
    public boolean isCancelled() {
        return cancelled.isDone();
    }

    @Override
    public CompletionStage<Void> whenCancelled() {
        return cancelled.minimalCompletionStage();
    }
}

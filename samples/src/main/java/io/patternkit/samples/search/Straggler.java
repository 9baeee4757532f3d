package io.patternkit.samples.search;

import io.patternkit.scatter.LeafContext;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An injected straggler for the demo: makes every {@code every}-th leaf call of a replica wait
 * {@code delay} before it works, as a replica in a long GC pause or on a noisy neighbour would. The
 * wait ends early when the root cancels the call ({@link LeafContext#whenCancelled()}: a hedge to
 * another replica won, or the deadline passed), and the call then gives up without an answer, as a
 * well-behaved leaf should. Thread-safe; can be switched at run time.
 */
final class Straggler {
    /** What one delayed call saw. */
    record Delayed(Duration waited, boolean cancelled) {
    }

    private volatile Duration delay = Duration.ZERO;
    private volatile int every = 1;
    private final AtomicLong calls = new AtomicLong();

    /**
     * @param delay how long a slow call waits; zero turns the straggler off
     * @param every every how many calls is slow (1: all)
     */
    void set(Duration delay, int every) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative() || every < 1) {
            throw new IllegalArgumentException("delay must be >= 0 and every >= 1, got " + delay + ", " + every);
        }
        this.every = every;
        this.delay = delay;
    }

    /** @return the current delay; zero when off */
    Duration delay() {
        return delay;
    }

    /**
     * Delays this call if it is one of the slow ones.
     *
     * @param context the leaf call
     * @return what happened, or {@code null} when the call was not delayed; when
     *     {@link Delayed#cancelled()} the root cancelled the call during the delay, and the caller
     *     should give up (nobody reads its answer)
     * @throws InterruptedException when the thread is interrupted
     */
    Delayed await(LeafContext context) throws InterruptedException {
        Duration wait = delay;
        if (wait.isZero() || calls.incrementAndGet() % every != 0) {
            return null;
        }
        long start = System.nanoTime();
        try {
            context.whenCancelled().toCompletableFuture().get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return new Delayed(Duration.ofNanos(System.nanoTime() - start), false);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cancellation future failed", e);
        }
        return new Delayed(Duration.ofNanos(System.nanoTime() - start), true);
    }
}

package io.patternkit.testing;

import io.patternkit.core.AdvanceableClock;
import java.lang.ref.WeakReference;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that stands still until a test moves it with {@link #advance(Duration)}, in the manner
 * of Guava's and Caffeine's {@code FakeTicker}: inject it into {@link InMemoryWorkQueue} (or any code that
 * takes a {@code Clock}) and test visibility timeouts, delays, backoff and dedup windows without waiting.
 *
 * <p>Time only moves forward. Thread-safe: {@link #advance(Duration)} may be called from any thread, and
 * every reader sees the new instant at once. Clocks derived with {@link #withZone(ZoneId)} share this
 * clock's time: advancing one advances all.
 *
 * <p>An {@link InMemoryWorkQueue} or {@link InMemoryLeaderElection} built on this clock is told of every
 * advance, so a long-poll blocked in it re-examines its state at once (an item whose delay or visibility
 * timeout passed is handed out, an expired lease is seen as expired, without waiting for the poll's
 * real-time end). So is a {@code Leadership} handle of {@code patternkit-sdk-leader} built on it
 * ({@link AdvanceableClock}): its renew times, renew deadline and backoffs are read from this clock.
 */
public final class ManualClock extends Clock implements AdvanceableClock {
    /** Where a clock made with {@link #ManualClock()} starts: 2030-01-01T00:00:00Z. */
    public static final Instant DEFAULT_START = Instant.parse("2030-01-01T00:00:00Z");

    private final Shared shared;
    private final ZoneId zone;

    /** Creates a clock at {@link #DEFAULT_START} in UTC. */
    public ManualClock() {
        this(DEFAULT_START);
    }

    /**
     * Creates a clock at the given instant in UTC.
     *
     * @param start the initial instant; not null
     */
    public ManualClock(Instant start) {
        this(new Shared(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    private ManualClock(Shared shared, ZoneId zone) {
        this.shared = shared;
        this.zone = zone;
    }

    /**
     * Moves the clock forward and tells the queues built on it.
     *
     * @param duration how far; zero or positive
     * @return the new instant
     * @throws IllegalArgumentException when {@code duration} is negative
     */
    public Instant advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a ManualClock only moves forward, got " + duration);
        }
        Instant now = shared.now.updateAndGet(i -> i.plus(duration));
        for (WeakReference<Runnable> ref : shared.listeners) {
            Runnable listener = ref.get();
            if (listener == null) {
                shared.listeners.remove(ref);
            } else {
                listener.run();
            }
        }
        return now;
    }

    /**
     * Registers a callback run (on the advancing thread, after the move) on every {@link #advance}. Held
     * weakly: the caller keeps the callback reachable for as long as it wants to be told.
     *
     * @param listener the callback; must not block
     */
    @Override
    public void onAdvance(Runnable listener) {
        shared.listeners.add(new WeakReference<>(Objects.requireNonNull(listener, "listener")));
    }

    /** @return the current instant, as last moved by {@link #advance(Duration)} */
    @Override
    public Instant instant() {
        return shared.now.get();
    }

    /** @return the current instant in epoch milliseconds (truncated) */
    @Override
    public long millis() {
        return instant().toEpochMilli();
    }

    /** @return the zone of this view of the clock (UTC unless derived with {@link #withZone(ZoneId)}) */
    @Override
    public ZoneId getZone() {
        return zone;
    }

    /**
     * @param zone the zone of the view; not null
     * @return a clock in that zone sharing this clock's time (advancing either advances both)
     */
    @Override
    public ManualClock withZone(ZoneId zone) {
        Objects.requireNonNull(zone, "zone");
        return zone.equals(this.zone) ? this : new ManualClock(shared, zone);
    }

    /**
     * @param obj another object
     * @return true for a view of the same time source in the same zone
     */
    @Override
    public boolean equals(Object obj) {
        return obj instanceof ManualClock other && other.shared == shared && other.zone.equals(zone);
    }

    /** @return a hash consistent with {@link #equals(Object)} */
    @Override
    public int hashCode() {
        return System.identityHashCode(shared) * 31 + zone.hashCode();
    }

    /** @return the current instant and zone, for test failure messages */
    @Override
    public String toString() {
        return "ManualClock[" + instant() + ", " + zone + "]";
    }

    /** The time and listeners every zone view of one clock shares. */
    private static final class Shared {
        final AtomicReference<Instant> now;
        final CopyOnWriteArrayList<WeakReference<Runnable>> listeners = new CopyOnWriteArrayList<>();

        Shared(Instant start) {
            this.now = new AtomicReference<>(start);
        }
    }
}

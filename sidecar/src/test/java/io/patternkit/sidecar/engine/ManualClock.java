package io.patternkit.sidecar.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to. Thread-safe. */
public final class ManualClock extends Clock {
    private final AtomicLong millis;
    private final AtomicLong reads = new AtomicLong();

    /** @param start the initial instant */
    public ManualClock(Instant start) {
        this.millis = new AtomicLong(start.toEpochMilli());
    }

    /** @param d how far to move forward */
    public void advance(Duration d) {
        millis.addAndGet(d.toMillis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public long millis() {
        reads.incrementAndGet();
        return millis.get();
    }

    /** @return how many times the time has been read so far ({@link #millis()}, {@link #instant()}) */
    public long reads() {
        return reads.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }
}

package io.patternkit.sidecar.common;

import java.time.Duration;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Recent latency of one pool of replicas (scatter leaves, ambassador endpoints), for the hedge delay: an HdrHistogram {@link Recorder} (lock-free
 * writers) drained into a ring of interval histograms that rotates every {@code window / slots},
 * so percentiles follow the last {@code window} of traffic and old latency ages out. Values are
 * kept in microseconds with two significant digits (1 % precision), from 1 µs to 60 s. The sum of
 * the slots is kept up to date as samples come and slots age out (not summed again per query), so
 * a query costs one interval sample and one percentile lookup.
 * Thread-safe: {@link #record} from any thread, {@link #percentile} serialised.
 */
public final class LatencyTracker {
    private static final long MAX_MICROS = 60_000_000L;
    private static final int DIGITS = 2;

    private final Ticker ticker;
    private final long slotNanos;
    private final long minSamples;
    private final Recorder recorder = new Recorder(MAX_MICROS, DIGITS);
    private final Histogram[] slots;
    private final Histogram merged = new Histogram(MAX_MICROS, DIGITS);
    private Histogram recycled;
    private int current;
    private long slotStart;

    /**
     * Creates an empty tracker.
     *
     * @param ticker the monotonic clock
     * @param window how much recent traffic the percentiles cover, at least {@code slots} nanoseconds
     * @param slots how many pieces the window rotates in, at least 1
     * @param minSamples how many samples the window needs before {@link #percentile} answers
     */
    public LatencyTracker(Ticker ticker, Duration window, int slots, long minSamples) {
        if (slots < 1 || window.toNanos() < slots) {
            throw new IllegalArgumentException("window must be at least one nanosecond per slot");
        }
        this.ticker = ticker;
        this.slotNanos = window.toNanos() / slots;
        this.minSamples = minSamples;
        this.slots = new Histogram[slots];
        for (int i = 0; i < slots; i++) {
            this.slots[i] = new Histogram(MAX_MICROS, DIGITS);
        }
        this.slotStart = ticker.nanoTime();
    }

    /**
     * Records one answered request's latency.
     *
     * @param latency the latency, clamped to 1 µs .. 60 s
     */
    public void record(Duration latency) {
        recorder.recordValue(Math.max(1, Math.min(MAX_MICROS, latency.toNanos() / 1_000)));
    }

    /**
     * The latency at a percentile of the recent window.
     *
     * @param percentile the percentile, in (0, 100]
     * @return the latency, or empty while the window holds fewer than {@code minSamples} samples
     */
    public synchronized Optional<Duration> percentile(double percentile) {
        long now = ticker.nanoTime();
        long elapsed = (now - slotStart) / slotNanos;
        if (elapsed > 0) {
            for (long i = 0; i < Math.min(elapsed, slots.length); i++) {
                current = (current + 1) % slots.length;
                if (slots[current].getTotalCount() > 0) {
                    merged.subtract(slots[current]);
                    slots[current].reset();
                }
            }
            slotStart += elapsed * slotNanos;
        }
        // Samples recorded since the last call count as the current slot's: the recent past.
        Histogram interval = recorder.getIntervalHistogram(recycled);
        recycled = interval;
        if (interval.getTotalCount() > 0) {
            slots[current].add(interval);
            merged.add(interval);
        }
        if (merged.getTotalCount() < minSamples) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(merged.getValueAtPercentile(percentile) * 1_000));
    }
}

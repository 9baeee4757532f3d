package io.patternkit.sidecar.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LatencyTrackerTest {
    private final AtomicLong nanos = new AtomicLong();
    private final LatencyTracker tracker = new LatencyTracker(nanos::get, Duration.ofSeconds(30), 6, 10);

    private void record(long ms, int n) {
        for (int i = 0; i < n; i++) {
            tracker.record(Duration.ofMillis(ms));
        }
    }

    @Test
    void answersOnlyWithEnoughSamples() {
        record(5, 9);
        assertThat(tracker.percentile(95)).isEmpty();
        record(5, 1);
        assertThat(tracker.percentile(95)).isPresent();
    }

    @Test
    void percentileOfTheWindow() {
        record(10, 90);
        record(100, 10);
        assertThat(tracker.percentile(50).orElseThrow().toMillis()).isCloseTo(10, within(1L));
        assertThat(tracker.percentile(95).orElseThrow().toMillis()).isCloseTo(100, within(1L));
    }

    @Test
    void oldLatencyAgesOutAsTheWindowRotates() {
        record(100, 50);
        assertThat(tracker.percentile(95).orElseThrow().toMillis()).isCloseTo(100, within(1L));
        nanos.addAndGet(Duration.ofSeconds(20).toNanos());
        record(10, 50);
        assertThat(tracker.percentile(50).orElseThrow().toMillis()).as("both in the window").isCloseTo(10, within(1L));
        assertThat(tracker.percentile(99).orElseThrow().toMillis()).as("both in the window").isCloseTo(100, within(1L));
        nanos.addAndGet(Duration.ofSeconds(15).toNanos());
        assertThat(tracker.percentile(95).orElseThrow().toMillis()).as("the 100 ms samples have left the window")
                .isCloseTo(10, within(1L));
        nanos.addAndGet(Duration.ofSeconds(31).toNanos());
        assertThat(tracker.percentile(95)).isEmpty();
    }

    @Test
    void eachSlotLeavesTheWindowExactlyOnceAsItAgesOut() {
        // One slot is 5 s: slot k holds 10 samples of (k + 1) * 10 ms, queried after every slot.
        for (int k = 0; k < 6; k++) {
            record((k + 1) * 10L, 10);
            assertThat(tracker.percentile(1).orElseThrow().toMillis()).as("slot %d", k).isCloseTo(10, within(1L));
            nanos.addAndGet(Duration.ofSeconds(5).toNanos());
        }
        // Each further 5 s drops the oldest slot, so the smallest value left rises by 10 ms, the largest stays.
        for (int k = 1; k < 6; k++) {
            assertThat(tracker.percentile(1).orElseThrow().toMillis()).as("after %d slots left", k)
                    .isCloseTo((k + 1) * 10L, within(1L));
            assertThat(tracker.percentile(100).orElseThrow().toMillis()).isCloseTo(60, within(1L));
            nanos.addAndGet(Duration.ofSeconds(5).toNanos());
        }
        record(70, 10);
        assertThat(tracker.percentile(50).orElseThrow().toMillis()).as("only the newest slot is left")
                .isCloseTo(70, within(1L));
    }
}

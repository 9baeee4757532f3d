package io.patternkit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ManualClockTest {
    @Test
    void standsStillUntilAdvanced() {
        ManualClock clock = new ManualClock(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(clock.instant()).isEqualTo(clock.instant());
        assertThat(clock.advance(Duration.ofMillis(1500))).isEqualTo(Instant.parse("2024-05-01T10:00:01.500Z"));
        assertThat(clock.millis()).isEqualTo(Instant.parse("2024-05-01T10:00:01.500Z").toEpochMilli());
        assertThat(new ManualClock().instant()).isEqualTo(ManualClock.DEFAULT_START);
    }

    @Test
    void neverMovesBackwards() {
        ManualClock clock = new ManualClock();
        assertThatThrownBy(() -> clock.advance(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(clock.instant()).isEqualTo(ManualClock.DEFAULT_START);
    }

    @Test
    void zoneViewsShareTheTime() {
        ManualClock clock = new ManualClock();
        ManualClock paris = clock.withZone(ZoneId.of("Europe/Paris"));
        assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(clock.withZone(clock.getZone())).isSameAs(clock);
        paris.advance(Duration.ofHours(1));
        assertThat(clock.instant()).isEqualTo(ManualClock.DEFAULT_START.plus(Duration.ofHours(1)));
        assertThat(paris.withZone(clock.getZone())).isEqualTo(clock).hasSameHashCodeAs(clock);
        assertThat(paris).isNotEqualTo(clock);
        assertThat(new ManualClock()).isNotEqualTo(clock);
    }

    @Test
    void tellsListenersOnEveryAdvance() {
        ManualClock clock = new ManualClock();
        AtomicInteger calls = new AtomicInteger();
        Runnable listener = calls::incrementAndGet;
        clock.onAdvance(listener);
        clock.advance(Duration.ZERO);
        clock.advance(Duration.ofSeconds(1));
        assertThat(calls).hasValue(2);
    }
}

package io.patternkit.sidecar.workqueue;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HousekeepingDelayTest {
    @Test
    void aShortRoundKeepsThePeriod() {
        assertThat(WorkQueueService.housekeepingDelayMs(2_000, 0)).isEqualTo(2_000);
        assertThat(WorkQueueService.housekeepingDelayMs(2_000, 100)).isEqualTo(2_000);
    }

    @Test
    void aLongRoundWaitsTwentyTimesItsLengthSoHousekeepingStaysNearFivePercentOfAThread() {
        assertThat(WorkQueueService.housekeepingDelayMs(2_000, 101)).isEqualTo(2_020);
        assertThat(WorkQueueService.housekeepingDelayMs(2_000, 846)).isEqualTo(16_920);
    }
}

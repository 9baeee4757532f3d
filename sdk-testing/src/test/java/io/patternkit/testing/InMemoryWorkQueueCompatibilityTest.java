package io.patternkit.testing;

import io.patternkit.workqueue.WorkQueue;
import java.time.Duration;

/** The work-queue compatibility kit against {@link InMemoryWorkQueue} on a {@link ManualClock}. */
class InMemoryWorkQueueCompatibilityTest extends WorkQueueCompatibilityKit {
    private final ManualClock clock = new ManualClock();

    @Override
    protected WorkQueue newQueue() {
        return InMemoryWorkQueue.builder().name("compat").clock(clock).backoff(backoffBase(), backoffMax())
                .dedupWindow(dedupWindow()).build();
    }

    @Override
    protected void advance(Duration duration) {
        clock.advance(duration);
    }

    /** The manual clock does not move between calls, so every instant is exact. */
    @Override
    protected Duration tolerance() {
        return Duration.ZERO;
    }
}

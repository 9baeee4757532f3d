package io.patternkit.sidecar.workqueue;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A queue's meters go once it holds nothing and this sidecar has served no call on it for a while, and come back. */
class WorkQueueMetricsTest {
    private static final QueueStats NOTHING = new QueueStats(0, 0, 0, 0, 0, 0);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong now = new AtomicLong();
    private final WorkQueueMetrics metrics = new WorkQueueMetrics(registry, now::get);

    private int metersOf(String queue) {
        return registry.find(WorkQueueMetrics.ITEMS).tag("queue", queue).meters().size()
                + registry.find(WorkQueueMetrics.DEPTH).tag("queue", queue).meters().size()
                + registry.find(WorkQueueMetrics.OLDEST_READY_AGE).tag("queue", queue).meters().size();
    }

    private void advance(Duration by) {
        now.addAndGet(by.toNanos());
    }

    @Test
    void anEmptyQueueWithoutCallsIsForgottenAfterTheIdleTimeAndComesBackWithTheNextCall() {
        metrics.of("job-1").enqueued.increment();
        assertThat(metersOf("job-1")).isEqualTo(12);

        advance(WorkQueueMetrics.FORGET_AFTER.minusSeconds(1));
        metrics.housekept("job-1", 0, NOTHING);
        assertThat(metersOf("job-1")).as("used within the idle time").isEqualTo(12);

        advance(Duration.ofSeconds(1));
        metrics.housekept("job-1", 0, NOTHING);
        assertThat(metersOf("job-1")).as("housekeeping does not count as use").isZero();
        assertThat(metrics.knownQueues()).doesNotContain("job-1");

        metrics.of("job-1").enqueued.increment();
        assertThat(metersOf("job-1")).isEqualTo(12);
        assertThat(registry.find(WorkQueueMetrics.ITEMS).tag("queue", "job-1").tag("event", "enqueued").counter().count())
                .as("a counter that came back starts from zero").isEqualTo(1.0);
    }

    @Test
    void aQueueThatHoldsAnythingKeepsItsMetersHoweverLongItIsIdle() {
        metrics.of("orders");
        advance(WorkQueueMetrics.FORGET_AFTER.multipliedBy(3));
        for (QueueStats holding : new QueueStats[] {new QueueStats(1, 0, 0, 0, 0, 5), new QueueStats(0, 1, 0, 0, 0, 0),
                new QueueStats(0, 0, 1, 0, 0, 0), new QueueStats(0, 0, 0, 1, 0, 0), new QueueStats(0, 0, 0, 0, 1, 0)}) {
            metrics.housekept("orders", 0, holding);
            assertThat(metersOf("orders")).as("%s", holding).isEqualTo(12);
        }
        metrics.housekept("orders", 2, NOTHING);
        assertThat(metersOf("orders")).as("a round that dead-lettered items counts them first").isEqualTo(12);
        assertThat(registry.find(WorkQueueMetrics.ITEMS).tag("queue", "orders").tag("event", "dead_lettered").counter()
                .count()).isEqualTo(2.0);
    }
}

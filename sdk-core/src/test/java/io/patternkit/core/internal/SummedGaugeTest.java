package io.patternkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class SummedGaugeTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private SummedGauge.Part part(String queue, double value) {
        return SummedGauge.add(registry, "in.flight", Tags.of("queue", queue), "items", () -> value);
    }

    private double value(String queue) {
        return registry.get("in.flight").tag("queue", queue).gauge().value();
    }

    @Test
    void theGaugeSumsItsLivePartsAndLeavesTheRegistryWithTheLast() {
        SummedGauge.Part first = part("a", 2);
        SummedGauge.Part second = part("a", 3);
        SummedGauge.Part other = part("b", 7);
        assertThat(value("a")).isEqualTo(5);
        assertThat(value("b")).isEqualTo(7);

        first.close();
        first.close(); // idempotent: the second part still counts
        assertThat(value("a")).isEqualTo(3);
        second.close();
        assertThat(registry.find("in.flight").tag("queue", "a").gauge()).isNull();
        assertThat(value("b")).isEqualTo(7);
        other.close();
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void aPartAddedAfterTheLastClosedRegistersTheGaugeAgainWithItsOwnValue() {
        part("a", 2).close();
        SummedGauge.Part again = part("a", 4);
        assertThat(value("a")).isEqualTo(4);
        again.close();
    }
}

package io.patternkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class OwnedMetersTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private Counter counter(OwnedMeters owner, String queue) {
        return owner.register(Counter.builder("jobs").tag("queue", queue)::register);
    }

    @Test
    void aMeterLeavesTheRegistryWhenItsLastOwnerCloses() {
        OwnedMeters first = new OwnedMeters(registry);
        OwnedMeters second = new OwnedMeters(registry);
        counter(first, "a").increment();
        counter(first, "a").increment(); // registered twice by one owner: held once
        counter(second, "a").increment();
        counter(first, "only-first");

        first.close();
        assertThat(registry.find("jobs").tag("queue", "only-first").counter()).isNull();
        assertThat(registry.get("jobs").tag("queue", "a").counter().count()).as("the second still holds it").isEqualTo(3);
        second.close();
        assertThat(registry.find("jobs").counters()).isEmpty();
    }

    @Test
    void aMeterRegisteredAfterCloseCountsForNothingAndLeavesNoSeries() {
        OwnedMeters closed = new OwnedMeters(registry);
        closed.close();
        counter(closed, "late").increment();
        assertThat(registry.find("jobs").counters()).isEmpty();

        OwnedMeters live = new OwnedMeters(registry);
        counter(live, "shared");
        counter(closed, "shared").increment(); // another owner's meter stays
        assertThat(registry.get("jobs").tag("queue", "shared").counter().count()).isEqualTo(1);
        closed.close(); // idempotent
        assertThat(registry.find("jobs").tag("queue", "shared").counter()).isNotNull();
        live.close();
        assertThat(registry.find("jobs").counters()).isEmpty();
    }
}

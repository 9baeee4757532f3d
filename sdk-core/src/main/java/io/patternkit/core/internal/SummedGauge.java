package io.patternkit.core.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.DoubleSupplier;

/**
 * A gauge whose value is the sum of the parts of the live SDK objects that share its name and tags in one registry,
 * such as the items in hand of every consumer of a queue, or whether any handle of an election leads. Micrometer keeps
 * one gauge per name and tags, bound to the state it was first registered with, so objects that each registered their
 * own state (two consumers of a queue, or one rebuilt after a restart) would have the first one's reported for all, and
 * for good. The gauge is registered with its first part and leaves the registry with its last. Thread-safe. Not part
 * of the API.
 */
public final class SummedGauge {
    /** Per registry (weakly; registries compare by identity), the gauges with parts. Guards the parts' sets too. */
    private static final Map<MeterRegistry, Map<Key, SummedGauge>> GAUGES = new WeakHashMap<>();

    private final Set<DoubleSupplier> parts = new CopyOnWriteArraySet<>();
    private Gauge gauge;

    private SummedGauge() {
    }

    /** A gauge's name and tags. */
    private record Key(String name, Tags tags) {
    }

    /** One object's part of a gauge, counted until closed. */
    public interface Part {
        /** Stops counting the part; the gauge leaves the registry when it was the last. Idempotent. */
        void close();
    }

    /**
     * Adds a part to the gauge of that name and tags in the registry, registering the gauge if it has none.
     *
     * @param registry the registry; not null
     * @param name the gauge's name
     * @param tags its tags
     * @param description its description
     * @param part the part's value, read at each scrape (identity counts: each call adds one part)
     * @return the part, to close when its object closes
     */
    public static Part add(MeterRegistry registry, String name, Tags tags, String description, DoubleSupplier part) {
        Key key = new Key(name, tags);
        synchronized (GAUGES) {
            Map<Key, SummedGauge> gauges = GAUGES.computeIfAbsent(registry, r -> new HashMap<>());
            SummedGauge summed = gauges.computeIfAbsent(key, k -> new SummedGauge());
            if (summed.gauge == null) {
                summed.gauge = Gauge.builder(name, summed, SummedGauge::sum).tags(tags).description(description)
                        .strongReference(true).register(registry);
            }
            summed.parts.add(part);
            return () -> {
                synchronized (GAUGES) {
                    if (summed.parts.remove(part) && summed.parts.isEmpty()) {
                        registry.remove(summed.gauge);
                        gauges.remove(key, summed);
                    }
                }
            };
        }
    }

    private double sum() {
        return parts.stream().mapToDouble(DoubleSupplier::getAsDouble).sum();
    }
}

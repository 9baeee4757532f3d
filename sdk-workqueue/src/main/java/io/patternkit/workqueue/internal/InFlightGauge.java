package io.patternkit.workqueue.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.patternkit.core.internal.OwnedMeters;
import io.patternkit.workqueue.WorkQueueMetrics;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The {@link WorkQueueMetrics#IN_FLIGHT} gauge of one queue in one registry: the items every live consumer of that
 * queue holds. Micrometer keeps one gauge per name and tags, bound to the state it was first registered with, so the
 * consumers of a queue that share a registry (two at once, or one rebuilt after a restart) share this state rather
 * than each binding its own. Thread-safe.
 */
final class InFlightGauge {
    /** Per registry (weakly, by identity: registries do not override {@code equals}), per queue. */
    private static final Map<MeterRegistry, Map<String, InFlightGauge>> GAUGES = new WeakHashMap<>();

    private final Set<Map<String, ?>> consumers = Collections.newSetFromMap(new IdentityHashMap<>());

    private InFlightGauge() {
    }

    /**
     * The gauge of a queue in a consumer's registry, registered on first use and held by the consumer.
     *
     * @param registry the registry
     * @param owned the consumer's meters, of that registry
     * @param queue the queue's name
     * @return the shared gauge state
     */
    static InFlightGauge of(MeterRegistry registry, OwnedMeters owned, String queue) {
        synchronized (GAUGES) {
            InFlightGauge gauge = GAUGES.computeIfAbsent(registry, r -> new HashMap<>())
                    .computeIfAbsent(queue, q -> new InFlightGauge());
            // Every time: Micrometer returns the gauge it holds, or registers it again, bound to the same state, once the
            // last consumer of the queue has closed and taken it out.
            owned.register(Gauge.builder(WorkQueueMetrics.IN_FLIGHT, gauge, InFlightGauge::total).strongReference(true)
                    .tag(WorkQueueMetrics.TAG_QUEUE, queue).description("Items claimed and not yet settled")::register);
            return gauge;
        }
    }

    /** @param inFlight a consumer's items in hand, counted until {@link #remove} */
    synchronized void add(Map<String, ?> inFlight) {
        consumers.add(inFlight);
    }

    /** @param inFlight a consumer's items in hand, no longer counted (the consumer has shut down) */
    synchronized void remove(Map<String, ?> inFlight) {
        consumers.remove(inFlight);
    }

    private synchronized double total() {
        return consumers.stream().mapToInt(Map::size).sum();
    }
}

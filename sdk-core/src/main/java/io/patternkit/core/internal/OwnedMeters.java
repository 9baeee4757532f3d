package io.patternkit.core.internal;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * The Micrometer meters of one SDK object with a lifetime (a queue consumer, a leadership), removed from their registry
 * when it closes, so that an application that opens and closes such objects per tenant or per job leaves no series
 * behind. Micrometer hands every object that registers a meter of the same name and tags in one registry the same
 * meter, so a meter goes only when the last live object holding it closes. Thread-safe. Not part of the API.
 */
public final class OwnedMeters {
    /** Per registry (weakly; registries compare by identity), how many live owners hold each meter. */
    private static final Map<MeterRegistry, Map<Meter.Id, Integer>> HOLDERS = new WeakHashMap<>();

    private final MeterRegistry registry;
    private final Set<Meter.Id> held = new HashSet<>();
    private boolean closed;

    /**
     * @param registry where the meters are registered; not null
     */
    public OwnedMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Registers a meter, or finds the one registered with its name and tags, and holds it until {@link #close}. After
     * close the meter is still returned, but taken out of the registry again unless another owner holds it, so that
     * a late increment of a closed object counts for nothing rather than bringing its series back.
     *
     * @param registration registers the meter in the registry it is given, such as {@code Counter.builder(..)::register}
     * @param <M> the meter type
     * @return the meter
     */
    public <M extends Meter> M register(Function<MeterRegistry, M> registration) {
        synchronized (HOLDERS) {
            M meter = registration.apply(registry);
            Map<Meter.Id, Integer> holders = HOLDERS.computeIfAbsent(registry, r -> new HashMap<>());
            if (!closed && held.add(meter.getId())) {
                holders.merge(meter.getId(), 1, Integer::sum);
            } else if (closed && !holders.containsKey(meter.getId())) {
                registry.remove(meter.getId());
            }
            return meter;
        }
    }

    /** Releases the meters: those no other live owner holds leave the registry. Idempotent. */
    public void close() {
        synchronized (HOLDERS) {
            if (closed) {
                return;
            }
            closed = true;
            Map<Meter.Id, Integer> holders = HOLDERS.computeIfAbsent(registry, r -> new HashMap<>());
            for (Meter.Id id : held) {
                if (holders.computeIfPresent(id, (k, n) -> n > 1 ? n - 1 : null) == null) {
                    registry.remove(id);
                }
            }
            held.clear();
        }
    }
}

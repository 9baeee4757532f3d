package io.patternkit.sidecar.host;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where one pattern of the sidecar publishes the instances it knows of and another routes to them,
 * without either importing the other: scatter/gather publishes the leaves registered with it (by
 * pool and shard), the ambassador's {@code registry://POOL[/SHARD]} endpoints read them, as Envoy's
 * endpoint discovery reads a control plane's registry. One publisher at a time. Thread-safe.
 */
public final class InstanceDirectory {
    /** What the publisher answers for one group: its live instances' URLs by shard, in shard order; empty for an unknown group. */
    @FunctionalInterface
    public interface Source {
        /**
         * @param group the group, such as a scatter pool
         * @return the group's instances by shard
         */
        SortedMap<String, List<URI>> instances(String group);
    }

    private final AtomicReference<Source> source = new AtomicReference<>();

    /**
     * @param publisher the source of instances from now on
     * @throws IllegalStateException when another source is published already
     */
    public void publish(Source publisher) {
        if (!source.compareAndSet(null, publisher)) {
            throw new IllegalStateException("a second pattern publishes instances; one does");
        }
    }

    /** @param publisher the source that stops publishing (nothing happens when it is not the published one) */
    public void withdraw(Source publisher) {
        source.compareAndSet(publisher, null);
    }

    /**
     * @param group the group
     * @return its instances by shard, or empty when no pattern publishes instances in this sidecar
     */
    public Optional<SortedMap<String, List<URI>>> instances(String group) {
        return Optional.ofNullable(source.get()).map(s -> s.instances(group));
    }
}

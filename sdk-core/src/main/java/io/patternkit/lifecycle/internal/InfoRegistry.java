package io.patternkit.lifecycle.internal;

import io.patternkit.lifecycle.Lifecycle;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The info contributions of a {@link Lifecycle}: each a name and a supplier of its current state, read when
 * {@code /patternkit/info} is asked. Not part of the API.
 */
public final class InfoRegistry {
    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    private final Map<String, Supplier<?>> contributions = new LinkedHashMap<>();

    /**
     * @param name the contribution's key; made unique by {@link UniqueNames}
     * @param info its supplier
     * @return the registration; closing it removes the contribution
     */
    public synchronized Lifecycle.Registration add(String name, Supplier<?> info) {
        String unique = UniqueNames.next(name, contributions.keySet());
        contributions.put(unique, info);
        return () -> {
            synchronized (this) {
                contributions.remove(unique, info);
            }
        };
    }

    /** @return each contribution's current value by name, in registration order; a supplier that threw gives its exception's class */
    public Map<String, Object> snapshot() {
        Map<String, Supplier<?>> copy;
        synchronized (this) {
            copy = new LinkedHashMap<>(contributions);
        }
        Map<String, Object> values = new LinkedHashMap<>();
        copy.forEach((name, supplier) -> {
            try {
                values.put(name, supplier.get());
            } catch (RuntimeException e) {
                log.debug("info contribution '{}' threw", name, e);
                values.put(name, Map.of("error", e.getClass().getName()));
            }
        });
        return values;
    }
}

package io.patternkit.lifecycle;

import io.patternkit.core.internal.Json;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A checkpoint as its sidecar keeps it: the state an application handed over for its successor, with
 * a version (one more per save) and the newest fencing token it has accepted.
 *
 * @param name its name, such as the name of the election whose leader keeps it
 * @param version 0 until the first save
 * @param fencingToken the newest fencing token accepted, 0 for none
 * @param stateJson the state as saved (JSON text, byte for byte), empty before the first save
 * @param updatedAt when it was last written, on the engine's clock
 */
public record Checkpoint(String name, long version, long fencingToken, Optional<String> stateJson, Instant updatedAt) {
    /**
     * Checks the components.
     *
     * @param name its name, such as the name of the election whose leader keeps it
     * @param version 0 until the first save
     * @param fencingToken the newest fencing token accepted, 0 for none
     * @param stateJson the state as saved (JSON text, byte for byte), empty before the first save
     * @param updatedAt when it was last written, on the engine's clock
     */
    public Checkpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(stateJson, "stateJson");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /**
     * @param type the type to read the state as, with Jackson's defaults
     * @param <T> the type
     * @return the state, or empty before the first save
     * @throws IllegalArgumentException when the state does not fit the type
     */
    public <T> Optional<T> stateAs(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return stateJson.map(json -> Json.read(json, type));
    }
}

package io.patternkit.lifecycle;

import io.patternkit.core.internal.Json;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What to save as a checkpoint, and on which conditions: immutable, built with {@link #json} or
 * {@link #of} and refined with {@link #expectingVersion} and {@link #fencedBy}.
 *
 * <pre>{@code
 * store.save("nightly-report", CheckpointWrite.of(progress).expectingVersion(read.version()).fencedBy(token));
 * }</pre>
 *
 * @param stateJson the state, JSON text (any JSON value; bytes as a base64 string)
 * @param expectedVersion save only at this version (0: never saved); empty for any
 * @param fencingToken the writer's fencing token; the save is refused once a newer one was seen; empty for none
 */
public record CheckpointWrite(String stateJson, OptionalLong expectedVersion, OptionalLong fencingToken) {
    /**
     * Checks the components.
     *
     * @param stateJson the state, JSON text (any JSON value; bytes as a base64 string)
     * @param expectedVersion save only at this version (0: never saved); empty for any
     * @param fencingToken the writer's fencing token; the save is refused once a newer one was seen; empty for none
     * @throws IllegalArgumentException when {@code stateJson} is not exactly one JSON value, or a number is out of range
     */
    public CheckpointWrite {
        Objects.requireNonNull(stateJson, "stateJson");
        Objects.requireNonNull(expectedVersion, "expectedVersion");
        Objects.requireNonNull(fencingToken, "fencingToken");
        if (stateJson.isBlank()) {
            throw new IllegalArgumentException("stateJson must be a JSON value, got blank text");
        }
        try {
            Json.requireOneValue(stateJson); // the text goes into the save request as it is
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("stateJson must be one JSON value: " + e.getMessage(), e);
        }
        if (expectedVersion.isPresent() && expectedVersion.getAsLong() < 0) {
            throw new IllegalArgumentException("expectedVersion must not be negative, got " + expectedVersion.getAsLong());
        }
        if (fencingToken.isPresent() && fencingToken.getAsLong() < 1) {
            throw new IllegalArgumentException("fencingToken must be positive, got " + fencingToken.getAsLong());
        }
    }

    /**
     * @param stateJson a JSON value, stored byte for byte
     * @return an unconditional write of it
     */
    public static CheckpointWrite json(String stateJson) {
        return new CheckpointWrite(stateJson, OptionalLong.empty(), OptionalLong.empty());
    }

    /**
     * @param state any value Jackson can serialise
     * @return an unconditional write of its JSON
     */
    public static CheckpointWrite of(Object state) {
        return json(Json.write(state));
    }

    /**
     * @param version the version the checkpoint must be at; 0 for never saved
     * @return a copy that saves only at that version ({@link VersionConflictException} otherwise)
     */
    public CheckpointWrite expectingVersion(long version) {
        return new CheckpointWrite(stateJson, OptionalLong.of(version), fencingToken);
    }

    /**
     * @param token the writer's fencing token, such as a leader's
     * @return a copy refused once a newer token has been seen ({@link FencingTokenStaleException})
     */
    public CheckpointWrite fencedBy(long token) {
        return new CheckpointWrite(stateJson, expectedVersion, OptionalLong.of(token));
    }
}

package io.patternkit.sidecar.checkpoint;

import java.util.Optional;

/**
 * Where checkpoints live: the SPI the SQLite and PostgreSQL engines implement. Every write is one
 * statement that compares and sets (version and fence), so several sidecars can share an engine.
 */
public interface CheckpointEngine {
    /**
     * @param name a valid checkpoint name
     * @return the checkpoint, or empty when nothing was ever saved or fenced under the name
     * @throws io.patternkit.sidecar.common.EngineException when the engine fails
     */
    Optional<StoredCheckpoint> read(String name);

    /**
     * Stores a state when the conditions hold, in one statement: the version is {@code expectedVersion}
     * (when given; 0 also matches a checkpoint never saved) and no fencing token newer than
     * {@code fencingToken} has been accepted (when given). The version rises by one; an accepted token
     * becomes the fence when it is newer.
     *
     * @param name a valid checkpoint name
     * @param stateJson the state, JSON text
     * @param expectedVersion the version the write expects, or null for any
     * @param fencingToken the writer's fencing token, or null for none
     * @return the checkpoint as written, or empty when a condition did not hold
     * @throws io.patternkit.sidecar.common.EngineException when the engine fails
     */
    Optional<StoredCheckpoint> save(String name, String stateJson, Long expectedVersion, Long fencingToken);

    /**
     * Raises the fence to {@code fencingToken} (never lowers it) and reads the checkpoint, in one
     * statement; creates an empty checkpoint (version 0) when there is none, so the fence holds.
     *
     * @param name a valid checkpoint name
     * @param fencingToken the new holder's token, positive
     * @return the checkpoint after the statement; its fence is above the token when a newer holder came first
     * @throws io.patternkit.sidecar.common.EngineException when the engine fails
     */
    StoredCheckpoint restore(String name, long fencingToken);

    /**
     * Checks that the engine answers.
     *
     * @throws io.patternkit.sidecar.common.EngineException when it does not
     */
    void ping();
}

package io.patternkit.lifecycle;

import java.util.Optional;

/**
 * Where an application keeps the state its successor restores: the single-container management
 * pattern's checkpoint and restore (Burns and Oppenheimer, HotCloud 2016), shaped like CRaC's
 * {@code beforeCheckpoint}/{@code afterRestore} and fenced like a leader's writes (Kleppmann). The
 * sidecar keeps checkpoints on its engine (SQLite, PostgreSQL), so they outlive the application and
 * every replica sees the same ones. {@link CheckpointClient} is the sidecar's; {@code sdk-testing} has
 * one in memory. Implementations are thread-safe.
 *
 * <p>Leadership handover with state: the leader saves {@code fencedBy(token)} before it resigns (the
 * drain's {@link DrainPhase#CHECKPOINT} phase); its successor calls {@link #restore} with its own token
 * when elected, before its first fenced write; from then on the old term's saves are refused.
 */
public interface CheckpointStore {
    /**
     * @param name a checkpoint name: 1 to 128 letters, digits, {@code .}, {@code _} or {@code -}
     * @return the checkpoint, or empty when nothing was ever saved or restored under the name
     * @throws IllegalArgumentException when the name is not allowed
     * @throws io.patternkit.core.PatternkitException when the sidecar cannot answer
     */
    Optional<Checkpoint> read(String name);

    /**
     * Saves a state when the write's conditions hold.
     *
     * @param name a checkpoint name
     * @param write the state and its conditions
     * @return the checkpoint as saved, with its new version
     * @throws VersionConflictException when the checkpoint is not at the expected version
     * @throws FencingTokenStaleException when a newer fencing token has been seen
     * @throws IllegalArgumentException when the name is not allowed
     * @throws io.patternkit.core.PatternkitException when the sidecar cannot answer
     */
    Checkpoint save(String name, CheckpointWrite write);

    /**
     * Reads the state for a new holder and, in the same step, makes {@code fencingToken} the newest the
     * checkpoint has seen, so that nothing an older holder saves later is accepted.
     *
     * @param name a checkpoint name
     * @param fencingToken the new holder's fencing token, positive
     * @return the checkpoint; version 0 and no state when nothing was saved before
     * @throws FencingTokenStaleException when a holder with a newer token has restored already
     * @throws IllegalArgumentException when the name or token is not allowed
     * @throws io.patternkit.core.PatternkitException when the sidecar cannot answer
     */
    Checkpoint restore(String name, long fencingToken);
}

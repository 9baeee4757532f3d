package io.patternkit.scatter;

import io.patternkit.core.PatternkitException;

/**
 * Thrown by {@link GatherResult#value()} of a merge-container scatter when the merge container gave no
 * answer (it failed, timed out or answered garbage); the root's reason is in the message and in
 * {@link GatherResult#mergeError()}. The shards' outcomes are still in the result. Retryable: the
 * merge container may answer next time.
 */
public class MergeFailedException extends PatternkitException {
    private static final long serialVersionUID = 1L;

    /**
     * @param pool the pool scattered to
     * @param scatterId the root's id of the scatter
     * @param mergeError the root's reason
     */
    public MergeFailedException(String pool, String scatterId, String mergeError) {
        super("the merge container gave no answer for scatter " + scatterId + " to pool '" + pool + "': " + mergeError
                + "; the shards' parts were gathered (see GatherResult.shards())", 0, null, true, null, null);
    }
}

package io.patternkit.sidecar.scatter;

/**
 * Receives a scatter call's outcomes, on the call's context, in order: one {@link #onPart} per
 * requested shard as its outcome is known, then one {@link #onDone}. Must not block.
 */
public interface ScatterListener {
    /** @param outcome one shard's outcome, final */
    void onPart(ShardOutcome outcome);

    /** @param outcome the whole call's outcome, after every part */
    void onDone(ScatterOutcome outcome);
}

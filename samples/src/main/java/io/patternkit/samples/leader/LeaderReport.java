package io.patternkit.samples.leader;

import java.util.List;
import java.util.Map;

/** The record of the leader demo's report (summary.json). */
public final class LeaderReport {
    private LeaderReport() {
    }

    /**
     * What the run shows.
     *
     * @param batches batches in the corpus
     * @param reported distinct batches accepted by the store
     * @param reportedTwice batches accepted more than once
     * @param rejectedWrites writes the fence rejected
     * @param rejected who and what was rejected
     * @param staleWritesAccepted accepted writes with a token lower than one accepted before (must be 0)
     * @param tokens fencing tokens of the elections, in time order
     * @param tokensIncreasing whether they strictly increase
     * @param restoredPredecessorsCheckpoint whether the successor of the leader stopped by SIGTERM restored
     *     the last batch that leader reported, from its checkpoint
     * @param timeline handover times in milliseconds, and the batches of the checkpoint handover
     * @param ok whether every check passed
     */
    public record Summary(int batches, int reported, int reportedTwice, int rejectedWrites, List<String> rejected,
                          int staleWritesAccepted, List<Long> tokens, boolean tokensIncreasing,
                          boolean restoredPredecessorsCheckpoint, Map<String, Object> timeline, boolean ok) {
    }
}

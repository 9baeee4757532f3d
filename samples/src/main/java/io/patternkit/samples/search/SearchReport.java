package io.patternkit.samples.search;

import java.util.List;
import java.util.Map;

/** The records of the search demo's report (summary.json): every check it makes, with the figures behind it. */
public final class SearchReport {
    private SearchReport() {
    }

    /**
     * One shard's outcome in one round, for the summary.
     *
     * @param round the pool of the round
     * @param shard the shard
     * @param status answered, failed, timedOut or skipped
     * @param leafId the replica that answered (or was tried last), or null
     * @param latencyMs since the scatter started, or null
     * @param hedged whether a hedged request was sent
     * @param attempts leaf requests sent for the shard
     * @param reason why it did not answer, or null
     */
    public record Outcome(String round, String shard, String status, String leafId, Long latencyMs, boolean hedged,
                          int attempts, String reason) {
        String describe() {
            return round + " " + shard + " " + status + (leafId == null ? "" : " by " + leafId)
                    + (latencyMs == null ? "" : " in " + latencyMs + " ms") + (hedged ? ", hedged" : "")
                    + ", " + attempts + " attempt" + (attempts == 1 ? "" : "s") + (reason == null ? "" : " (" + reason + ")");
        }
    }

    /**
     * Part (a): one query.
     *
     * @param query the text
     * @param latencyMs both rounds
     * @param complete whether every shard answered
     * @param equalsSingleNode whether the merged hits equal the single index's
     * @param hits the merged hits
     * @param shards every shard's outcome in both rounds
     * @param mergeContainerEqualsSingleNode whether the same search with round two merged by the demo's
     *     merge container (the root posting the parts to it) equals the single index's hits too
     */
    public record QueryCheck(String query, long latencyMs, boolean complete, boolean equalsSingleNode, List<Hit> hits,
                             List<Outcome> shards, boolean mergeContainerEqualsSingleNode) {
    }

    /**
     * Part (b): one search with the straggler.
     *
     * @param latencyMs both rounds
     * @param complete whether every shard answered
     * @param equalsSingleNode whether the merged hits equal the single index's
     * @param hedgesWon hedged requests that answered first, over both rounds
     * @param shards every shard's outcome
     */
    public record StraggleRun(long latencyMs, boolean complete, boolean equalsSingleNode, long hedgesWon, List<Outcome> shards) {
    }

    /**
     * Part (b).
     *
     * @param slowReplica the straggler's leaf id
     * @param slowMs its delay
     * @param runs the searches
     * @param cancelledAfterMs how long each straggling call had waited when the root cancelled it
     * @param rescued whether a hedge won, every search was complete and exact, and each took less than the delay
     */
    public record Straggle(String slowReplica, long slowMs, List<StraggleRun> runs, List<Long> cancelledAfterMs, boolean rescued) {
    }

    /**
     * A shard missing from a partial answer.
     *
     * @param shard the shard
     * @param round the pool of the round it missed
     * @param status failed, timedOut or skipped
     * @param reason why
     */
    public record MissingShard(String shard, String round, String status, String reason) {
    }

    /**
     * Part (c): one search with a dead shard.
     *
     * @param latencyMs both rounds
     * @param complete whether every shard answered (must be false)
     * @param missing the missing shards, each with round, status and reason
     * @param answered the shards whose hits were returned
     * @param partialHits how many hits were returned, explicitly partial
     * @param hitsFromDeadShard how many of them belong to the dead shard (must be 0)
     * @param hitsThrew what {@link SearchResult#hits()} threw
     * @param namesDeadShard whether the answer was partial, named the dead shard with a reason, and returned the others' hits
     */
    public record PartialRun(long latencyMs, boolean complete, List<MissingShard> missing, List<String> answered,
                             int partialHits, long hitsFromDeadShard, String hitsThrew, boolean namesDeadShard) {
    }

    /**
     * Part (c).
     *
     * @param deadShard the shard whose replicas were killed
     * @param killed the replicas killed
     * @param immediately the search right after the kill, while the dead replicas were still registered
     * @param afterLapse the search after their registrations lapsed
     * @param namesDeadShard whether both searches named it
     */
    public record Partial(String deadShard, List<String> killed, PartialRun immediately, PartialRun afterLapse,
                          boolean namesDeadShard) {
    }

    /**
     * What the run shows.
     *
     * @param files documents in the corpus
     * @param shards shards
     * @param replicas replicas per shard
     * @param k hits per query
     * @param deadlineMs deadline of each round
     * @param queries part (a)
     * @param straggle part (b)
     * @param partial part (c)
     * @param timings milliseconds since the start at each milestone
     * @param mergedEqualsSingleNode check (a)
     * @param hedgedRescue check (b)
     * @param partialNamesDeadShard check (c)
     * @param ok all three
     */
    public record Summary(int files, int shards, int replicas, int k, long deadlineMs, List<QueryCheck> queries,
                          Straggle straggle, Partial partial, Map<String, Object> timings, boolean mergedEqualsSingleNode,
                          boolean hedgedRescue, boolean partialNamesDeadShard, boolean ok) {
    }
}

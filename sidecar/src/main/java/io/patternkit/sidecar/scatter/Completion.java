package io.patternkit.sidecar.scatter;

import io.patternkit.protocol.CompletionPolicy;

/**
 * When a scatter call may stop gathering.
 *
 * @param policy the policy
 * @param n for {@link CompletionPolicy#FIRST_N}, how many answers are enough; 0 otherwise
 */
public record Completion(CompletionPolicy policy, int n) {
    /** Every shard must answer (the call still ends at its deadline). */
    public static final Completion ALL = new Completion(CompletionPolicy.ALL, 0);

    /**
     * @param shards how many shards the call asks
     * @return how many answers meet the policy: all of them, a majority (floor(k/2)+1), or n
     */
    public int needed(int shards) {
        return switch (policy) {
            case ALL -> shards;
            case QUORUM -> shards / 2 + 1;
            case FIRST_N -> n;
        };
    }
}

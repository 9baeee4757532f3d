package io.patternkit.sidecar.scatter;

/**
 * When a scatter call may stop gathering.
 *
 * @param policy the policy
 * @param n for {@link Policy#FIRST_N}, how many answers are enough; 0 otherwise
 */
public record Completion(Policy policy, int n) {
    /** Every shard must answer (the call still ends at its deadline). */
    public static final Completion ALL = new Completion(Policy.ALL, 0);

    /** The completion policies. */
    public enum Policy {
        /** Wait for every shard. */
        ALL("all"),
        /** Stop once a majority of the requested shards answered. */
        QUORUM("quorum"),
        /** Stop once {@code n} shards answered. */
        FIRST_N("firstN");

        private final String wireName;

        Policy(String wireName) {
            this.wireName = wireName;
        }

        /** @return the name on the wire */
        public String wireName() {
            return wireName;
        }
    }

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

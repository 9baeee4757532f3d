package io.patternkit.protocol;

/** When a scatter call may stop gathering (schema {@code Completion.policy}). */
public enum CompletionPolicy implements WireName {
    /** Wait for every shard (until the deadline). */
    ALL("all"),
    /** Stop once a strict majority of the requested shards answered, floor(k/2)+1. */
    QUORUM("quorum"),
    /** Stop once {@code n} shards answered. */
    FIRST_N("firstN");

    private final String wireName;

    CompletionPolicy(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }
}

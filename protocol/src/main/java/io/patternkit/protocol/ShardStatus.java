package io.patternkit.protocol;

/** The one outcome every requested shard of a scatter call ends with (schema {@code ScatterShard.status}). */
public enum ShardStatus implements WireName {
    /** A replica answered; its answer is the shard's part. */
    ANSWERED("answered"),
    /** Every replica tried failed (refused, 5xx, garbage, too large) before the deadline. */
    FAILED("failed"),
    /** The deadline passed, or the last replica tried did not answer within the leaf timeout. */
    TIMED_OUT("timedOut"),
    /** No replica was known, or the call stopped early because the completion policy was met. */
    SKIPPED("skipped");

    private final String wireName;

    ShardStatus(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }
}

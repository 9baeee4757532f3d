package io.patternkit.sidecar.scatter;

/** The one outcome every requested shard of a scatter call ends with. */
public enum ShardStatus {
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

    /** @return the name on the wire, such as {@code timedOut} */
    public String wireName() {
        return wireName;
    }
}

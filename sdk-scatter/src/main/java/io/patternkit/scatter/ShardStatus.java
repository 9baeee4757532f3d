package io.patternkit.scatter;

import java.util.Arrays;
import java.util.Optional;

/** What became of one shard in a scatter, as reported by the root sidecar (wire names in parentheses). */
public enum ShardStatus {
    /** A replica answered in time ({@code answered}); its part went to the {@link Merger}. */
    ANSWERED("answered"),
    /** Every attempt failed: the leaf answered an error, the connection broke, or its part was unreadable ({@code failed}). */
    FAILED("failed"),
    /** No replica answered before the leaf timeout or the overall deadline ({@code timedOut}). */
    TIMED_OUT("timedOut"),
    /**
     * Not asked, or asked and cancelled ({@code skipped}): no replica of the shard is known, or the call
     * stopped early because the completion policy was already met.
     */
    SKIPPED("skipped");

    private final String wireName;

    ShardStatus(String wireName) {
        this.wireName = wireName;
    }

    /** @return the name on the wire, such as {@code timedOut} */
    public String wireName() {
        return wireName;
    }

    /**
     * @param wireName a status read off the wire; may be null
     * @return the status, or empty when unknown
     */
    public static Optional<ShardStatus> fromWire(String wireName) {
        return Arrays.stream(values()).filter(s -> s.wireName.equals(wireName)).findFirst();
    }
}

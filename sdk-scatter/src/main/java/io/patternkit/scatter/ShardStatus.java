package io.patternkit.scatter;

import io.patternkit.protocol.WireName;
import java.util.Arrays;
import java.util.Optional;

/**
 * What became of one shard in a scatter, as reported by the root sidecar (wire names in parentheses).
 * The application's view of {@link io.patternkit.protocol.ShardStatus}, the wire's vocabulary,
 * whose names it takes.
 */
public enum ShardStatus {
    /** A replica answered in time ({@code answered}); its part went to the {@link Merger}. */
    ANSWERED(io.patternkit.protocol.ShardStatus.ANSWERED),
    /** Every attempt failed: the leaf answered an error, the connection broke, or its part was unreadable ({@code failed}). */
    FAILED(io.patternkit.protocol.ShardStatus.FAILED),
    /** No replica answered before the leaf timeout or the overall deadline ({@code timedOut}). */
    TIMED_OUT(io.patternkit.protocol.ShardStatus.TIMED_OUT),
    /**
     * Not asked, or asked and cancelled ({@code skipped}): no replica of the shard is known, or the call
     * stopped early because the completion policy was already met.
     */
    SKIPPED(io.patternkit.protocol.ShardStatus.SKIPPED);

    private final io.patternkit.protocol.ShardStatus wire;

    ShardStatus(io.patternkit.protocol.ShardStatus wire) {
        this.wire = wire;
    }

    /** @return the name on the wire, such as {@code timedOut} */
    public String wireName() {
        return wire.wireName();
    }

    /**
     * @param wireName a status read off the wire; may be null
     * @return the status, or empty when unknown
     */
    public static Optional<ShardStatus> fromWire(String wireName) {
        return WireName.fromWire(io.patternkit.protocol.ShardStatus.class, wireName)
                .flatMap(wire -> Arrays.stream(values()).filter(s -> s.wire == wire).findFirst());
    }
}

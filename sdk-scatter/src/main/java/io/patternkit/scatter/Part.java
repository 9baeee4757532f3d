package io.patternkit.scatter;

import java.time.Duration;
import java.util.Objects;

/**
 * One shard's answer, as handed to a {@link Merger}.
 *
 * @param shard the shard that answered
 * @param leafId the replica that answered
 * @param value the answer, read as the scatter's part type; null only when the leaf answered JSON {@code null}
 * @param latency from the start of the scatter to this answer, as measured by the root sidecar
 * @param hedged true when a hedged request was sent for this shard
 * @param <P> the part type
 */
public record Part<P>(String shard, String leafId, P value, Duration latency, boolean hedged) {
    /**
     * Checks the components.
     *
     * @param shard see {@link #shard()}
     * @param leafId see {@link #leafId()}
     * @param value see {@link #value()}
     * @param latency see {@link #latency()}
     * @param hedged see {@link #hedged()}
     */
    public Part {
        Objects.requireNonNull(shard, "shard");
        Objects.requireNonNull(leafId, "leafId");
        Objects.requireNonNull(latency, "latency");
    }
}

package io.patternkit.scatter;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What became of one shard of a scatter (The Tail at Scale's per-leaf view, Elasticsearch's
 * {@code _shards} section): its status, why it is missing when it is, which replica answered, when the
 * outcome happened, whether a hedged request was sent, and how many leaf requests (first, hedges and
 * failovers to other replicas) were made.
 *
 * @param shard the shard's name
 * @param status the outcome
 * @param leafId the replica that answered, or the last one asked; empty when none was
 * @param reason why the shard is not answered (leaf's problem detail, timeout, no replica...); empty when answered
 * @param latency from the start of the scatter (at the root) to this shard's outcome; empty when not reported
 * @param hedged true when a hedged request was sent to another replica of this shard
 * @param attempts leaf requests made for this shard, 0 when it was skipped before any
 */
public record ShardOutcome(String shard, ShardStatus status, Optional<String> leafId, Optional<String> reason,
        Optional<Duration> latency, boolean hedged, int attempts) {

    /**
     * Checks the components.
     *
     * @param shard see {@link #shard()}
     * @param status see {@link #status()}
     * @param leafId see {@link #leafId()}
     * @param reason see {@link #reason()}
     * @param latency see {@link #latency()}
     * @param hedged see {@link #hedged()}
     * @param attempts see {@link #attempts()}
     */
    public ShardOutcome {
        Objects.requireNonNull(shard, "shard");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(leafId, "leafId");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(latency, "latency");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must be >= 0, got " + attempts);
        }
    }

    /** @return true when the status is {@link ShardStatus#ANSWERED} */
    public boolean answered() {
        return status == ShardStatus.ANSWERED;
    }

    /** @return a short description, such as {@code s2 timedOut (no answer within 1000 ms)} */
    public String describe() {
        return shard + " " + status.wireName() + reason.map(r -> " (" + r + ")").orElse("");
    }
}

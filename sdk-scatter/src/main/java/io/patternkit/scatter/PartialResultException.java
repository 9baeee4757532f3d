package io.patternkit.scatter;

import io.patternkit.core.PatternkitException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown by {@link GatherResult#value()} (and {@link GatherResult#valueIfPolicyMet()}) when the answer is
 * partial: at least one shard did not answer. The message and {@link #missing()} name each missing shard
 * and why. The partial data is still reachable, deliberately, through {@link GatherResult#partialValue()}.
 *
 * <p>Not retryable as such ({@link #isRetryable()} is false): whether repeating the scatter helps depends
 * on why the shards are missing, which {@link #missing()} tells.
 */
public class PartialResultException extends PatternkitException {
    private static final long serialVersionUID = 1L;

    /** The missing shards. */
    private final transient List<ShardOutcome> missing;
    /** Whether the completion policy was met. */
    private final boolean policyMet;

    /**
     * @param pool the pool scattered to
     * @param scatterId the root's id of the scatter
     * @param missing the shards that did not answer; not empty
     * @param policyMet whether the completion policy was met anyway
     * @param hint what the caller can do, appended to the message
     */
    public PartialResultException(String pool, String scatterId, List<ShardOutcome> missing, boolean policyMet,
            String hint) {
        super("partial result of scatter " + scatterId + " to pool '" + pool + "': " + missing.size() + " shard"
                + (missing.size() == 1 ? "" : "s") + " missing (" + missing.stream().map(ShardOutcome::describe)
                .collect(Collectors.joining("; ")) + "), completion policy " + (policyMet ? "met" : "not met")
                + "; " + hint, 0, null, false, null, null);
        this.missing = List.copyOf(missing);
        this.policyMet = policyMet;
    }

    /** @return the shards that did not answer, each with its status and reason */
    public List<ShardOutcome> missing() {
        return missing;
    }

    /** @return whether the completion policy was met although shards are missing */
    public boolean policyMet() {
        return policyMet;
    }
}

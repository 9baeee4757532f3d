package io.patternkit.scatter;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one scatter: the merged value and the fate of every shard. A partial answer cannot
 * be used by accident: {@link #value()} throws {@link PartialResultException} unless every shard
 * answered, and the merge of whatever did arrive is reachable only through the explicit
 * {@link #valueIfPolicyMet()} (quorum and first-N scatters) or {@link #partialValue()}.
 *
 * <pre>{@code
 * GatherResult<List<Hit>> r = scatter.scatter("search", query, Hits.class, topTen, options);
 * List<Hit> hits = r.value();                     // throws PartialResultException when a shard is missing
 * List<Hit> some = r.partialValue();              // explicit: accept what arrived
 * r.missing().forEach(s -> log.warn("missing {}", s.describe()));
 * }</pre>
 *
 * <p>Immutable when the value is (the SDK never touches the value after the scatter returns).
 *
 * @param <R> the merged result type
 */
public final class GatherResult<R> {
    private final String pool;
    private final String scatterId;
    private final boolean complete;
    private final boolean policyMet;
    private final Duration elapsed;
    private final List<ShardOutcome> shards;
    private final GatherStats stats;
    private final R value;
    private final String mergeError;

    /**
     * Creates a result; used by the SDK and by fakes such as {@code io.patternkit.testing.InMemoryScatter}.
     *
     * @param pool the pool scattered to; not null
     * @param scatterId the root's id of the scatter; not null
     * @param complete true only when every shard in {@code shards} answered (checked)
     * @param policyMet whether the completion policy was met
     * @param elapsed how long the scatter took at the root; not null
     * @param shards every shard's outcome, in the order they completed; not null
     * @param stats the load sent to the leaves; not null
     * @param value the merge of the answered parts; may be null
     * @throws IllegalArgumentException when {@code complete} disagrees with the shards, or a shard repeats
     */
    public GatherResult(String pool, String scatterId, boolean complete, boolean policyMet, Duration elapsed,
            List<ShardOutcome> shards, GatherStats stats, R value) {
        this(pool, scatterId, complete, policyMet, elapsed, shards, stats, value, null);
    }

    /**
     * Creates the result of a merge-container scatter.
     *
     * @param pool the pool scattered to; not null
     * @param scatterId the root's id of the scatter; not null
     * @param complete true only when every shard in {@code shards} answered (checked)
     * @param policyMet whether the completion policy was met
     * @param elapsed how long the scatter took at the root; not null
     * @param shards every shard's outcome, in the order they completed; not null
     * @param stats the load sent to the leaves; not null
     * @param value the merge container's answer; null when it gave none
     * @param mergeError why the merge container gave no answer, or null when it did (or none was used)
     * @throws IllegalArgumentException when {@code complete} disagrees with the shards, or a shard repeats
     */
    public GatherResult(String pool, String scatterId, boolean complete, boolean policyMet, Duration elapsed,
            List<ShardOutcome> shards, GatherStats stats, R value, String mergeError) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.scatterId = Objects.requireNonNull(scatterId, "scatterId");
        this.elapsed = Objects.requireNonNull(elapsed, "elapsed");
        this.shards = List.copyOf(shards);
        this.stats = Objects.requireNonNull(stats, "stats");
        boolean allAnswered = this.shards.stream().allMatch(ShardOutcome::answered);
        if (complete && !allAnswered) {
            throw new IllegalArgumentException("complete, but not every shard answered: " + this.shards);
        }
        if (this.shards.stream().map(ShardOutcome::shard).distinct().count() != this.shards.size()) {
            throw new IllegalArgumentException("a shard appears more than once: " + this.shards);
        }
        this.complete = complete;
        this.policyMet = policyMet;
        this.value = value;
        this.mergeError = mergeError;
    }

    /**
     * @return the merged value of a complete scatter
     * @throws PartialResultException when a shard did not answer, naming the missing shards and why
     * @throws MergeFailedException when the merge container gave no answer
     */
    public R value() {
        if (!complete) {
            throw new PartialResultException(pool, scatterId, missing(), policyMet,
                    "call partialValue() to use the parts that arrived, or valueIfPolicyMet() for quorum/firstN");
        }
        return merged();
    }

    /**
     * The value when the completion policy was met: for {@code quorum} and {@code firstN} scatters, whose
     * remaining shards are skipped on purpose, this is the normal accessor.
     *
     * @return the merge of the parts that arrived
     * @throws PartialResultException when the policy was not met
     * @throws MergeFailedException when the merge container gave no answer
     */
    public R valueIfPolicyMet() {
        if (!policyMet) {
            throw new PartialResultException(pool, scatterId, missing(), false,
                    "call partialValue() to use the parts that arrived anyway");
        }
        return merged();
    }

    private R merged() {
        if (mergeError != null) {
            throw new MergeFailedException(pool, scatterId, mergeError);
        }
        return value;
    }

    /** @return why the merge container gave no answer; empty when it answered or none was used */
    public Optional<String> mergeError() {
        return Optional.ofNullable(mergeError);
    }

    /**
     * @return the merge of whatever parts arrived, complete or not; may be null (the merger's initial value,
     *     or no answer from a merge container)
     */
    public R partialValue() {
        return value;
    }

    /** @return true when every shard answered */
    public boolean isComplete() {
        return complete;
    }

    /** @return whether the scatter's completion policy (all, quorum, firstN) was met */
    public boolean policyMet() {
        return policyMet;
    }

    /** @return every shard's outcome, in the order the shards completed */
    public List<ShardOutcome> shards() {
        return shards;
    }

    /**
     * @param shard a shard name
     * @return its outcome, or empty when the shard was not part of this scatter
     */
    public Optional<ShardOutcome> shard(String shard) {
        return shards.stream().filter(s -> s.shard().equals(shard)).findFirst();
    }

    /** @return the shards that did not answer (failed, timed out or skipped); empty when complete */
    public List<ShardOutcome> missing() {
        return shards.stream().filter(s -> !s.answered()).toList();
    }

    /** @return the pool scattered to */
    public String pool() {
        return pool;
    }

    /** @return the root sidecar's id of this scatter (also sent to every leaf; use it to correlate logs) */
    public String scatterId() {
        return scatterId;
    }

    /** @return how long the scatter took at the root */
    public Duration elapsed() {
        return elapsed;
    }

    /** @return the load sent to the leaves (requests, hedges, cancellations) */
    public GatherStats stats() {
        return stats;
    }

    @Override
    public String toString() {
        return "GatherResult{pool=" + pool + ", scatterId=" + scatterId + ", complete=" + complete + ", policyMet="
                + policyMet + ", elapsed=" + elapsed + ", shards=" + shards.size() + ", missing="
                + missing().stream().map(ShardOutcome::describe).toList() + (mergeError == null ? "" : ", mergeError=" + mergeError)
                + '}';
    }
}

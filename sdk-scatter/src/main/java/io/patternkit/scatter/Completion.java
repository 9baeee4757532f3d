package io.patternkit.scatter;

import io.patternkit.protocol.CompletionPolicy;
import io.patternkit.protocol.Wire;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * When a scatter may stop waiting: {@link #all()} shards, a {@link #quorum()} (a strict majority of the
 * shards asked, floor(k/2)+1), or the {@link #firstN(int) first n} answers. When the policy is met before every shard
 * answered, the root cancels the leaves still running and reports those shards as
 * {@link ShardStatus#SKIPPED}; the result is then not complete, but {@link GatherResult#policyMet()}.
 * Immutable.
 */
public final class Completion {
    /** The policies: the application's view of {@link CompletionPolicy}, the wire's vocabulary, whose names they take. */
    public enum Policy {
        /** Wait for every shard (until the deadline). Wire name {@code all}. */
        ALL(CompletionPolicy.ALL),
        /** Stop at a strict majority of shards answered. Wire name {@code quorum}. */
        QUORUM(CompletionPolicy.QUORUM),
        /** Stop at n shards answered. Wire name {@code firstN}. */
        FIRST_N(CompletionPolicy.FIRST_N);

        private final CompletionPolicy wire;

        Policy(CompletionPolicy wire) {
            this.wire = wire;
        }

        /** @return the wire name */
        public String wireName() {
            return wire.wireName();
        }
    }

    private static final Completion ALL = new Completion(Policy.ALL, 0);
    private static final Completion QUORUM = new Completion(Policy.QUORUM, 0);

    private final Policy policy;
    private final int n;

    private Completion(Policy policy, int n) {
        this.policy = policy;
        this.n = n;
    }

    /** @return wait for every shard (the default) */
    public static Completion all() {
        return ALL;
    }

    /** @return stop at a strict majority of the shards asked */
    public static Completion quorum() {
        return QUORUM;
    }

    /**
     * @param n how many answers are enough, 1 to 1000, and at most the number of shards asked
     * @return stop at the first {@code n} answers
     * @throws IllegalArgumentException when n is not 1 to 1000
     */
    public static Completion firstN(int n) {
        if (n < 1 || n > Wire.MAX_SCATTER_SHARDS) {
            throw new IllegalArgumentException("firstN needs n in 1..1000, got " + n);
        }
        return new Completion(Policy.FIRST_N, n);
    }

    /** @return the policy */
    public Policy policy() {
        return policy;
    }

    /** @return n for {@link Policy#FIRST_N}, else empty */
    public OptionalInt n() {
        return policy == Policy.FIRST_N ? OptionalInt.of(n) : OptionalInt.empty();
    }

    /**
     * @param shards how many shards were asked
     * @return how many answers meet the policy for that many shards
     */
    public int required(int shards) {
        switch (policy) {
            case QUORUM:
                return shards / 2 + 1;
            case FIRST_N:
                return Math.min(n, shards);
            default:
                return shards;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Completion c && c.policy == policy && c.n == n;
    }

    @Override
    public int hashCode() {
        return Objects.hash(policy, n);
    }

    @Override
    public String toString() {
        return policy == Policy.FIRST_N ? "firstN(" + n + ")" : policy.wireName();
    }
}

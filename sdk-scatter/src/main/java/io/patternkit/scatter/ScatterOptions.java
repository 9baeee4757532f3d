package io.patternkit.scatter;

import io.patternkit.protocol.Wire;
import io.patternkit.scatter.internal.Arguments;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How one scatter runs: the overall deadline, the per-leaf timeout, the completion policy, hedging, an
 * optional subset of shards and an optional merge container. Immutable; build with {@link #builder()},
 * or use {@link #defaults()} (1 s deadline, all shards, hedging as the root's default).
 */
public final class ScatterOptions {
    /** Longest deadline the root accepts. */
    public static final Duration MAX_DEADLINE = Duration.ofMillis(Wire.MAX_SCATTER_DEADLINE_MS);
    private static final ScatterOptions DEFAULTS = builder().build();

    private final Duration deadline;
    private final Duration leafTimeout;
    private final Completion completion;
    private final Hedging hedging;
    private final List<String> shards;
    private final URI mergeUrl;
    private final Duration mergeTimeout;

    private ScatterOptions(Builder b) {
        this.deadline = b.deadline;
        this.leafTimeout = b.leafTimeout;
        this.completion = b.completion;
        this.hedging = b.hedging;
        this.shards = List.copyOf(b.shards);
        this.mergeUrl = b.mergeUrl;
        this.mergeTimeout = b.mergeTimeout;
    }

    /** @return 1 s deadline, leaf timeout = deadline, completion all, every shard, root-default hedging */
    public static ScatterOptions defaults() {
        return DEFAULTS;
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder starting from these options */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.deadline = deadline;
        b.leafTimeout = leafTimeout;
        b.completion = completion;
        b.hedging = hedging;
        b.shards.addAll(shards);
        b.mergeUrl = mergeUrl;
        b.mergeTimeout = mergeTimeout;
        return b;
    }

    /** @return the overall budget at the root; the remaining part is passed down to each leaf */
    public Duration deadline() {
        return deadline;
    }

    /** @return the budget of one leaf attempt, or empty for "the deadline" */
    public Optional<Duration> leafTimeout() {
        return Optional.ofNullable(leafTimeout);
    }

    /** @return the completion policy */
    public Completion completion() {
        return completion;
    }

    /** @return the hedging settings, or empty for the root's default (enabled, p95, 5 % budget) */
    public Optional<Hedging> hedging() {
        return Optional.ofNullable(hedging);
    }

    /** @return the shards to ask; empty means every shard the root knows */
    public List<String> shards() {
        return shards;
    }

    /** @return the merge container's URL, or empty for merging in Java */
    public Optional<URI> mergeUrl() {
        return Optional.ofNullable(mergeUrl);
    }

    /** @return the budget of the merge container's call after gathering ends, or empty for the root's default (1 s) */
    public Optional<Duration> mergeTimeout() {
        return Optional.ofNullable(mergeTimeout);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScatterOptions s && s.deadline.equals(deadline) && Objects.equals(s.leafTimeout, leafTimeout)
                && s.completion.equals(completion) && Objects.equals(s.hedging, hedging) && s.shards.equals(shards)
                && Objects.equals(s.mergeUrl, mergeUrl) && Objects.equals(s.mergeTimeout, mergeTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(deadline, leafTimeout, completion, hedging, shards, mergeUrl, mergeTimeout);
    }

    @Override
    public String toString() {
        return "ScatterOptions{deadline=" + deadline + ", leafTimeout=" + leafTimeout + ", completion=" + completion
                + ", hedging=" + hedging + ", shards=" + shards + ", mergeUrl=" + mergeUrl + ", mergeTimeout=" + mergeTimeout
                + '}';
    }

    /**
     * Builder of {@link ScatterOptions}. Not thread-safe; each setter validates at once and throws
     * {@link IllegalArgumentException} (or {@link NullPointerException}) naming the setting.
     */
    public static final class Builder {
        private Duration deadline = Duration.ofSeconds(1);
        private Duration leafTimeout;
        private Completion completion = Completion.all();
        private Hedging hedging;
        private final LinkedHashSet<String> shards = new LinkedHashSet<>();
        private URI mergeUrl;
        private Duration mergeTimeout;

        private Builder() {
        }

        /**
         * @param deadline the overall budget, 1 ms to 60 s (millisecond precision); default 1 s. The client's
         *     HTTP call may take the deadline plus its configured call timeout.
         * @return this builder
         */
        public Builder deadline(Duration deadline) {
            this.deadline = millis(deadline, "deadline");
            return this;
        }

        /**
         * @param leafTimeout the budget of one leaf attempt, 1 ms to 60 s; default the deadline
         * @return this builder
         */
        public Builder leafTimeout(Duration leafTimeout) {
            this.leafTimeout = millis(leafTimeout, "leafTimeout");
            return this;
        }

        /**
         * @param completion the completion policy; default {@link Completion#all()}
         * @return this builder
         */
        public Builder completion(Completion completion) {
            this.completion = Objects.requireNonNull(completion, "completion");
            return this;
        }

        /**
         * @param hedging the hedging settings; default the root's ({@link Hedging#enabled()}, p95, 5 %)
         * @return this builder
         */
        public Builder hedging(Hedging hedging) {
            this.hedging = Objects.requireNonNull(hedging, "hedging");
            return this;
        }

        /**
         * @param shards the shards to ask (a subset of the pool); each 1 to 253 letters, digits, {@code .},
         *     {@code _}, {@code :}, {@code @} or {@code -}, starting alphanumeric. Empty (the default) means
         *     every shard the root knows. Duplicates are dropped; at most 1000.
         * @return this builder
         */
        public Builder shards(List<String> shards) {
            Objects.requireNonNull(shards, "shards");
            if (shards.size() > Wire.MAX_SCATTER_SHARDS && new LinkedHashSet<>(shards).size() > Wire.MAX_SCATTER_SHARDS) {
                throw new IllegalArgumentException("shards may name at most 1000 shards, got " + shards.size());
            }
            LinkedHashSet<String> checked = new LinkedHashSet<>();
            for (String s : shards) {
                checked.add(Arguments.id("shard", s));
            }
            this.shards.clear();
            this.shards.addAll(checked);
            return this;
        }

        /**
         * @param mergeUrl the merge container's URL (http or https); the root posts the parts there and
         *     returns its answer as the merged result (use {@link ScatterGather#scatterMerged})
         * @return this builder
         */
        public Builder mergeUrl(URI mergeUrl) {
            Objects.requireNonNull(mergeUrl, "mergeUrl");
            String scheme = mergeUrl.getScheme();
            if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) || mergeUrl.getHost() == null) {
                throw new IllegalArgumentException("mergeUrl must be http(s)://host:port/path, got '" + mergeUrl + "'");
            }
            this.mergeUrl = mergeUrl;
            return this;
        }

        /**
         * @param mergeTimeout the budget of the merge container's call after gathering ends, 1 ms to 60 s;
         *     default the root's (1 s)
         * @return this builder
         */
        public Builder mergeTimeout(Duration mergeTimeout) {
            this.mergeTimeout = millis(mergeTimeout, "mergeTimeout");
            return this;
        }

        /**
         * @return the options
         * @throws IllegalArgumentException when the leaf timeout is longer than the deadline
         */
        public ScatterOptions build() {
            if (leafTimeout != null && leafTimeout.compareTo(deadline) > 0) {
                throw new IllegalArgumentException("leafTimeout (" + leafTimeout + ") must not exceed the deadline ("
                        + deadline + ")");
            }
            return new ScatterOptions(this);
        }

        private static Duration millis(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.toMillis() < 1 || d.compareTo(MAX_DEADLINE) > 0) {
                throw new IllegalArgumentException(what + " must be 1 ms to 60 s, got " + d);
            }
            return d;
        }
    }
}

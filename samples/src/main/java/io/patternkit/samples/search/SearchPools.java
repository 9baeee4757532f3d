package io.patternkit.samples.search;

import java.util.List;
import java.util.Objects;

/**
 * The two scatter pools of the distributed search and what travels through them, in the order of
 * Elasticsearch's {@code dfs_query_then_fetch}: first every shard's {@link TermStats} for the query
 * ({@value #STATS}), then every shard's best hits scored with their sum ({@value #HITS}). Each leaf
 * replica serves both pools for its shard; two pools rather than one with a phase field, so that
 * the root sidecar keeps the latency (hence the hedge delay) of each phase apart.
 */
public final class SearchPools {
    /** Phase one: {@link StatsCall} in, the shard's {@link TermStats} out. */
    public static final String STATS = "search-stats";
    /** Phase two: {@link HitsCall} in, the shard's {@link ShardHits} out. */
    public static final String HITS = "search-hits";

    private SearchPools() {
    }

    /**
     * Phase one's request.
     *
     * @param query the text the user typed; each leaf analyses it with the same analyser
     */
    public record StatsCall(String query) {
        /**
         * Checks the query is present.
         *
         * @param query the text the user typed; each leaf analyses it with the same analyser
         */
        public StatsCall {
            Objects.requireNonNull(query, "query");
        }
    }

    /**
     * Phase two's request.
     *
     * @param query the text the user typed
     * @param global the statistics summed over the shards that answered phase one
     * @param k most hits per shard (and in the merged answer)
     */
    public record HitsCall(String query, TermStats global, int k) {
        /**
         * Checks the fields.
         *
         * @param query the text the user typed
         * @param global the statistics summed over the shards that answered phase one
         * @param k most hits per shard (and in the merged answer)
         */
        public HitsCall {
            Objects.requireNonNull(query, "query");
            Objects.requireNonNull(global, "global");
            if (k < 1) {
                throw new IllegalArgumentException("k must be at least 1, got " + k);
            }
        }
    }

    /**
     * Phase two's answer of one shard.
     *
     * @param hits at most {@code k} hits, best first ({@link Hit#BEST_FIRST})
     */
    public record ShardHits(List<Hit> hits) {
        /**
         * Copies the hits.
         *
         * @param hits at most {@code k} hits, best first ({@link Hit#BEST_FIRST})
         */
        public ShardHits {
            hits = List.copyOf(hits);
        }
    }
}

package io.patternkit.samples.search;

import io.patternkit.samples.search.SearchPools.HitsCall;
import io.patternkit.samples.search.SearchPools.ShardHits;
import io.patternkit.samples.search.SearchPools.StatsCall;
import io.patternkit.scatter.GatherResult;
import io.patternkit.scatter.MergeHandler;
import io.patternkit.scatter.Merger;
import io.patternkit.scatter.Part;
import io.patternkit.scatter.ScatterGather;
import io.patternkit.scatter.ScatterOptions;
import io.patternkit.scatter.ShardOutcome;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The root side of the distributed search: Elasticsearch's {@code dfs_query_then_fetch} as two
 * scatter rounds through a {@link ScatterGather} (the root sidecar's {@code ScatterClient}, or
 * {@code InMemoryScatter} in tests). Round one gathers every shard's {@link TermStats} and sums
 * them; round two sends the sum to every shard that answered round one and merges their top
 * {@code k} hits with {@link Hit#BEST_FIRST}. Since every shard scores with the same global
 * statistics, the merged hits equal those of one index over all the data.
 *
 * <p>The shards are named in every scatter ({@link ScatterOptions.Builder#shards}): a shard whose
 * every replica is gone (its registrations lapsed) is then reported {@code skipped}, where a
 * scatter to "every known shard" would simply not know it existed. A shard missing from either
 * round makes the {@link SearchResult} partial, never silently. Thread-safe.
 */
public final class DistributedSearch {
    private final ScatterGather scatter;
    private final List<String> shards;
    private final ScatterOptions options;

    /**
     * Creates the search over a fixed set of shards.
     *
     * @param scatter the root to scatter through
     * @param shards every shard of the index (such as {@code s0, s1, s2}); all are asked in round one
     * @param options deadline, completion policy, hedging... for each round (its {@code shards} are
     *     replaced by the ones asked); each round has the whole deadline
     */
    public DistributedSearch(ScatterGather scatter, List<String> shards, ScatterOptions options) {
        this.scatter = Objects.requireNonNull(scatter, "scatter");
        this.shards = List.copyOf(shards);
        this.options = Objects.requireNonNull(options, "options");
        if (this.shards.isEmpty()) {
            throw new IllegalArgumentException("at least one shard is needed");
        }
    }

    /**
     * Searches every shard.
     *
     * @param query the text, such as {@code "concurrent hash map"}
     * @param k most hits wanted, at least 1
     * @return the hits and both rounds; partial when a shard missed a round (check
     *     {@link SearchResult#isComplete()}, or call {@link SearchResult#hits()} which throws then)
     * @throws io.patternkit.core.PatternkitException when the root cannot be reached or refuses the call
     */
    public SearchResult search(String query, int k) {
        return search(query, k, options);
    }

    /**
     * Searches every shard with other options for this one search.
     *
     * @param query the text
     * @param k most hits wanted, at least 1
     * @param options the options of both rounds (their {@code shards} are replaced)
     * @return the hits and both rounds
     */
    public SearchResult search(String query, int k, ScatterOptions options) {
        long start = System.nanoTime();
        GatherResult<TermStats> stats = scatter.scatter(SearchPools.STATS, new StatsCall(query), TermStats.class,
                Merger.of(() -> TermStats.EMPTY, TermStats::plus), withShards(options, shards));
        List<String> counted = stats.shards().stream().filter(ShardOutcome::answered).map(ShardOutcome::shard).toList();
        if (counted.isEmpty()) {
            return new SearchResult(query, k, shards, stats, Optional.empty(), Duration.ofNanos(System.nanoTime() - start));
        }
        // Explicitly partial when shards are missing: the sum of the shards that answered, and only they are asked next.
        TermStats global = stats.isComplete() ? stats.value() : stats.partialValue();
        GatherResult<List<Hit>> hits = scatter.scatter(SearchPools.HITS, new HitsCall(query, global, k), ShardHits.class,
                new TopK(k), withShards(options, counted));
        return new SearchResult(query, k, shards, stats, Optional.of(hits), Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * Searches every shard, with round two merged by a merge container instead of in this JVM: the root
     * posts the shards' hits to {@code mergeContainer}, which answers the best {@code k}
     * ({@link #topHits()} served by a {@link io.patternkit.scatter.MergeContainer}, or any container in any
     * language that answers the same).
     *
     * @param mergeContainer the merge container's URL
     * @param query the text
     * @param k most hits wanted, at least 1
     * @return round two, its value the merged best hits
     * @throws io.patternkit.scatter.PartialResultException when a shard missed round one
     */
    public GatherResult<ShardHits> searchMergedBy(URI mergeContainer, String query, int k) {
        GatherResult<TermStats> stats = scatter.scatter(SearchPools.STATS, new StatsCall(query), TermStats.class,
                Merger.of(() -> TermStats.EMPTY, TermStats::plus), withShards(options, shards));
        return scatter.scatterMerged(SearchPools.HITS, new HitsCall(query, stats.value(), k), ShardHits.class,
                withShards(options, shards).toBuilder().mergeUrl(mergeContainer).build());
    }

    /** @return the merge of round two as a merge container runs it: the best {@code k} of every shard's hits */
    public static MergeHandler<HitsCall, ShardHits, ShardHits> topHits() {
        return input -> new ShardHits(best(input.parts().values().stream().flatMap(p -> p.hits().stream()),
                input.request().k()));
    }

    private static List<Hit> best(Stream<Hit> hits, int k) {
        return hits.sorted(Hit.BEST_FIRST).limit(k).toList();
    }

    private static ScatterOptions withShards(ScatterOptions options, List<String> shards) {
        return options.toBuilder().shards(shards).build();
    }

    /** Keeps the best {@code k} hits of the parts seen so far, as they arrive. */
    private record TopK(int k) implements Merger<ShardHits, List<Hit>> {
        @Override
        public List<Hit> initial() {
            return List.of();
        }

        @Override
        public List<Hit> merge(List<Hit> merged, Part<ShardHits> part) {
            return best(Stream.concat(merged.stream(), part.value().hits().stream()), k);
        }
    }
}

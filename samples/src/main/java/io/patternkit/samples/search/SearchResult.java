package io.patternkit.samples.search;

import io.patternkit.scatter.GatherResult;
import io.patternkit.scatter.PartialResultException;
import io.patternkit.scatter.ShardOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer of a {@link DistributedSearch}: the merged hits and both scatter rounds behind them,
 * with every shard's outcome. Like {@link GatherResult}, a partial answer is never silent:
 * {@link #hits()} throws unless every shard answered both rounds, and the hits of the shards that did
 * answer are the explicit {@link #partialHits()}.
 *
 * <p>When a shard misses the statistics round, the hits round asks only the shards that answered it,
 * with their summed statistics: the partial hits are then ranked exactly as one index over the data
 * of those shards would rank them. When a shard misses only the hits round, the statistics still
 * count its documents, so the partial hits are scored as in the whole index but its hits are absent.
 *
 * @param query the query text
 * @param k most hits asked for
 * @param shards every shard of the index, as asked in the statistics round
 * @param statsRound phase one, {@value SearchPools#STATS}: the global statistics, summed
 * @param hitsRound phase two, {@value SearchPools#HITS}: the merged top {@code k}; empty when no shard
 *     answered phase one (there was nothing to ask)
 * @param elapsed wall time of both rounds
 */
public record SearchResult(String query, int k, List<String> shards, GatherResult<TermStats> statsRound,
                           Optional<GatherResult<List<Hit>>> hitsRound, Duration elapsed) {
    /**
     * Checks the fields are present.
     *
     * @param query the query text
     * @param k most hits asked for
     * @param shards every shard of the index, as asked in the statistics round
     * @param statsRound phase one, {@value SearchPools#STATS}: the global statistics, summed
     * @param hitsRound phase two, {@value SearchPools#HITS}: the merged top {@code k}; empty when no shard
     *     answered phase one (there was nothing to ask)
     * @param elapsed wall time of both rounds
     */
    public SearchResult {
        Objects.requireNonNull(query, "query");
        shards = List.copyOf(shards);
        Objects.requireNonNull(statsRound, "statsRound");
        Objects.requireNonNull(hitsRound, "hitsRound");
        Objects.requireNonNull(elapsed, "elapsed");
    }

    /**
     * A shard missing from the answer, in one round.
     *
     * @param round {@value SearchPools#STATS} or {@value SearchPools#HITS}
     * @param outcome the shard's outcome in that round: status ({@code FAILED}, {@code TIMED_OUT},
     *     {@code SKIPPED}) and reason
     */
    public record Missing(String round, ShardOutcome outcome) {
        /** @return such as {@code "s2 failed (leaf s2-r1: connection refused ...) in search-stats"} */
        public String describe() {
            return outcome.describe() + " in " + round;
        }
    }

    /** @return whether every shard answered both rounds */
    public boolean isComplete() {
        return statsRound.isComplete() && hitsRound.map(GatherResult::isComplete).orElse(false);
    }

    /**
     * The merged hits of every shard.
     *
     * @return at most {@code k} hits, best first ({@link Hit#BEST_FIRST})
     * @throws PartialResultException naming the missing shards, with status and reason, unless every
     *     shard answered both rounds
     */
    public List<Hit> hits() {
        statsRound.value(); // throws, naming the shards that missed the statistics round
        return hitsRound.orElseThrow().value();
    }

    /**
     * The merged hits of the shards that answered, accepted knowingly; see {@link #missing()} for the others.
     *
     * @return at most {@code k} hits, best first; empty when no shard answered
     */
    public List<Hit> partialHits() {
        return hitsRound.map(GatherResult::partialValue).orElse(List.of());
    }

    /**
     * @return every shard that did not answer a round, with the round, status and reason, round by round
     *     and in the order the shards settled; empty when complete
     */
    public List<Missing> missing() {
        List<Missing> missing = new ArrayList<>();
        statsRound.missing().forEach(o -> missing.add(new Missing(SearchPools.STATS, o)));
        hitsRound.ifPresent(r -> r.missing().forEach(o -> missing.add(new Missing(SearchPools.HITS, o))));
        return missing;
    }

    /** @return the shards whose hits are in the answer (they answered both rounds), in shard order */
    public List<String> answered() {
        return hitsRound.map(r -> shards.stream().filter(s -> r.shard(s).map(ShardOutcome::answered).orElse(false)).toList())
                .orElse(List.of());
    }
}

package io.patternkit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patternkit.core.NotFoundException;
import io.patternkit.scatter.Completion;
import io.patternkit.scatter.GatherResult;
import io.patternkit.scatter.Hedging;
import io.patternkit.scatter.Merger;
import io.patternkit.scatter.PartialResultException;
import io.patternkit.scatter.ScatterOptions;
import io.patternkit.scatter.ShardStatus;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The in-memory scatter: the root's result semantics with Java leaves. */
class InMemoryScatterTest {
    record Query(String q) {
    }

    record Hits(List<String> ids) {
    }

    private final InMemoryScatter scatter = new InMemoryScatter();

    @AfterEach
    void close() {
        scatter.close();
    }

    private InMemoryScatter leaves(String... shards) {
        for (String s : shards) {
            scatter.leaf("search", s, Query.class, (q, ctx) -> new Hits(List.of(q.q() + "@" + ctx.shard())));
        }
        return scatter;
    }

    @Test
    void everyShardAnswersThroughJson() {
        leaves("s1", "s2", "s3");
        GatherResult<List<Hits>> r = scatter.scatter("search", new Query("x"), Hits.class, Merger.toList());
        assertThat(r.value()).extracting(h -> h.ids().get(0)).containsExactlyInAnyOrder("x@s1", "x@s2", "x@s3");
        assertThat(r.shards()).allMatch(s -> s.status() == ShardStatus.ANSWERED);
        assertThat(r.stats().leafRequests()).isEqualTo(3);
    }

    @Test
    void theMergerSeesPartsInArrivalOrder() {
        CountDownLatch s2Merged = new CountDownLatch(1);
        scatter.leaf("search", "s1", Query.class, (q, ctx) -> {
            s2Merged.await(5, TimeUnit.SECONDS);
            return new Hits(List.of("one"));
        });
        scatter.leaf("search", "s2", Query.class, (q, ctx) -> new Hits(List.of("two")));
        List<String> seen = new ArrayList<>();
        GatherResult<List<String>> r = scatter.scatter("search", new Query("x"), Hits.class, Merger.of(ArrayList::new,
                (list, h) -> {
                    list.addAll(h.ids());
                    seen.add(h.ids().get(0));
                    s2Merged.countDown();
                    return list;
                }), ScatterOptions.builder().deadline(Duration.ofSeconds(10)).build());
        assertThat(seen).containsExactly("two", "one");
        assertThat(r.value()).containsExactly("two", "one");
    }

    @Test
    void aStragglerTimesOutAndAFailingShardFails() {
        leaves("s1", "s2", "s3").slow("search", "s2", Duration.ofSeconds(30))
                .failing("search", "s3", new IllegalStateException("disk full"));
        GatherResult<List<Hits>> r = scatter.scatter("search", new Query("x"), Hits.class, Merger.toList(),
                ScatterOptions.builder().deadline(Duration.ofMillis(200)).build());
        assertThatThrownBy(r::value).isInstanceOf(PartialResultException.class).hasMessageContaining("s2 timedOut");
        assertThat(r.shard("s3").orElseThrow().status()).isEqualTo(ShardStatus.FAILED);
        assertThat(r.shard("s3").orElseThrow().reason().orElseThrow()).contains("IllegalStateException")
                .doesNotContain("disk full");
        assertThat(r.partialValue()).containsExactly(new Hits(List.of("x@s1")));
        assertThat(r.policyMet()).isFalse();
    }

    @Test
    void aQuorumStopsEarlySkipsAndCancelsTheRest() throws InterruptedException {
        CountDownLatch cancelled = new CountDownLatch(1);
        CountDownLatch s3Running = new CountDownLatch(1);
        for (String s : List.of("s1", "s2")) {
            scatter.leaf("search", s, Query.class, (q, ctx) -> {
                s3Running.await(5, TimeUnit.SECONDS);
                return new Hits(List.of(s));
            });
        }
        scatter.leaf("search", "s3", Query.class, (q, ctx) -> {
            ctx.whenCancelled().thenRun(cancelled::countDown);
            s3Running.countDown();
            ctx.whenCancelled().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return new Hits(List.of());
        });
        GatherResult<List<Hits>> r = scatter.scatter("search", new Query("x"), Hits.class, Merger.toList(),
                ScatterOptions.builder().deadline(Duration.ofSeconds(10)).completion(Completion.quorum()).build());
        assertThat(r.policyMet()).isTrue();
        assertThat(r.valueIfPolicyMet()).hasSize(2);
        assertThat(r.shard("s3").orElseThrow().status()).isEqualTo(ShardStatus.SKIPPED);
        assertThatThrownBy(r::value).isInstanceOf(PartialResultException.class);
        assertThat(cancelled.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void unknownShardsAreSkippedAndAnEmptyPoolIsNotFound() {
        leaves("s1");
        GatherResult<List<Hits>> r = scatter.scatter("search", new Query("x"), Hits.class, Merger.toList(),
                ScatterOptions.builder().shards(List.of("s1", "s9")).build());
        assertThat(r.shard("s9").orElseThrow().status()).isEqualTo(ShardStatus.SKIPPED);
        assertThat(r.shard("s9").orElseThrow().attempts()).isZero();
        assertThatThrownBy(() -> scatter.scatter("nothing", 1, Hits.class, Merger.toList()))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void aMergeContainerCombinesTheParts() {
        URI url = URI.create("http://merge:7500/merge");
        leaves("s1", "s2").mergeContainer(url, Query.class, Hits.class, input -> input.parts().size());
        assertThat(scatter.scatterMerged("search", new Query("x"), Integer.class,
                ScatterOptions.builder().mergeUrl(url).build()).value()).isEqualTo(2);
    }

    @Test
    void replicasAreAskedRoundRobinAndALeafTimeoutFailsOverToTheNext() {
        scatter.replica("search", "s1", "s1-a", Query.class, (q, ctx) -> new Hits(List.of("a")))
                .replica("search", "s1", "s1-b", Query.class, (q, ctx) -> new Hits(List.of("b")))
                .slowReplica("search", "s1-a", Duration.ofSeconds(5));
        ScatterOptions options = ScatterOptions.builder().deadline(Duration.ofSeconds(3))
                .leafTimeout(Duration.ofMillis(100)).hedging(Hedging.disabled()).build();
        long start = System.nanoTime();
        GatherResult<List<Hits>> first = scatter.scatter("search", new Query("x"), Hits.class, Merger.toList(), options);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        GatherResult<List<Hits>> second = scatter.scatter("search", new Query("x"), Hits.class, Merger.toList(), options);

        // The first call asks s1-a first: it times out after the 100 ms leaf timeout and s1-b answers.
        assertThat(first.value()).containsExactly(new Hits(List.of("b")));
        assertThat(first.shard("s1").orElseThrow().attempts()).isEqualTo(2);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(100)).isLessThan(Duration.ofSeconds(3));
        assertThat(first.stats().cancelledRequests()).isEqualTo(1);
        // The second asks s1-b first.
        assertThat(second.shard("s1").orElseThrow().attempts()).isEqualTo(1);
        assertThat(second.shard("s1").orElseThrow().leafId()).contains("s1-b");
    }

    @Test
    void whenEveryReplicaFailsTheReasonNamesEachOne() {
        scatter.replica("search", "s1", "s1-a", Query.class, (q, ctx) -> new Hits(List.of("a")))
                .replica("search", "s1", "s1-b", Query.class, (q, ctx) -> new Hits(List.of("b")))
                .failing("search", "s1", new IllegalStateException("disk full"));
        GatherResult<List<Hits>> r = scatter.scatter("search", new Query("x"), Hits.class, Merger.toList(),
                ScatterOptions.builder().deadline(Duration.ofSeconds(2)).build());
        assertThat(r.shard("s1").orElseThrow().status()).isEqualTo(ShardStatus.FAILED);
        assertThat(r.shard("s1").orElseThrow().attempts()).isEqualTo(2);
        assertThat(r.shard("s1").orElseThrow().reason().orElseThrow()).contains("leaf s1-a: ", "leaf s1-b: ",
                "IllegalStateException");
    }

    @Test
    void aSecondHedgeAsksTheReplicaWhoseRequestWaitedLongest() {
        scatter.replica("search", "s1", "s1-a", Query.class, (q, ctx) -> new Hits(List.of("a")))
                .replica("search", "s1", "s1-b", Query.class, (q, ctx) -> new Hits(List.of("b")))
                .slowReplica("search", "s1-a", Duration.ofMillis(300))
                .slowReplica("search", "s1-b", Duration.ofMillis(300));
        ScatterOptions options = ScatterOptions.builder().deadline(Duration.ofSeconds(5))
                .hedging(Hedging.enabled().withDelayBounds(Duration.ofMillis(10), Duration.ofMillis(10))
                        .withMaxExtraLoadPercent(100)).build();
        GatherResult<List<Hits>> r = scatter.scatter("search", new Query("x"), Hits.class, Merger.toList(), options);
        assertThat(r.isComplete()).isTrue();
        assertThat(r.shard("s1").orElseThrow().attempts()).isEqualTo(3); // first, a hedge, the first replica again
        assertThat(r.stats().hedgedRequests()).isEqualTo(2);
        GatherResult<List<Hits>> once = scatter.scatter("search", new Query("x"), Hits.class, Merger.toList(),
                options.toBuilder().hedging(options.hedging().orElseThrow().withMaxHedges(1)).build());
        assertThat(once.shard("s1").orElseThrow().attempts()).isEqualTo(2);
    }

    @Test
    void aDueHedgeWaitsUntilHalfTheOtherShardsHaveSettled() {
        scatter.replica("search", "s1", "s1-a", Query.class, (q, ctx) -> new Hits(List.of("a1")))
                .replica("search", "s1", "s1-b", Query.class, (q, ctx) -> new Hits(List.of("b1")))
                .replica("search", "s2", "s2-a", Query.class, (q, ctx) -> new Hits(List.of("a2")))
                .replica("search", "s2", "s2-b", Query.class, (q, ctx) -> new Hits(List.of("b2")))
                .slowReplica("search", "s1-a", Duration.ofMillis(200)).slowReplica("search", "s1-b", Duration.ofMillis(200))
                .slowReplica("search", "s2-a", Duration.ofMillis(400)).slowReplica("search", "s2-b", Duration.ofMillis(400));
        ScatterOptions options = ScatterOptions.builder().deadline(Duration.ofSeconds(5))
                .hedging(Hedging.enabled().withDelayBounds(Duration.ofMillis(10), Duration.ofMillis(10))
                        .withMaxExtraLoadPercent(100).withMaxHedges(1)).build();
        GatherResult<List<Hits>> r = scatter.scatter("search", new Query("x"), Hits.class, Merger.toList(), options);
        assertThat(r.isComplete()).isTrue();
        // Both shards slow alike: neither is hedged at 10 ms; once s1 has answered, s2 is the straggler.
        assertThat(r.shard("s1").orElseThrow().attempts()).isEqualTo(1);
        assertThat(r.shard("s2").orElseThrow().attempts()).isEqualTo(2);
    }

    @Test
    void hedgesStopWhenThePoolsExtraLoadBudgetIsSpent() {
        scatter.replica("search", "s1", "s1-slow", Query.class, (q, ctx) -> new Hits(List.of("slow")))
                .replica("search", "s1", "s1-fast", Query.class, (q, ctx) -> new Hits(List.of("fast")))
                .slowReplica("search", "s1-slow", Duration.ofMillis(150));
        ScatterOptions options = ScatterOptions.builder().deadline(Duration.ofSeconds(2))
                .hedging(Hedging.enabled().withDelayBounds(Duration.ofMillis(5), Duration.ofMillis(10))
                        .withMaxExtraLoadPercent(0)).build();
        long hedged = 0;
        long won = 0;
        // Round-robin asks the straggler first in every other call: 2 x (reserve + 2) calls spend the reserve.
        for (int call = 0; call < 2 * (InMemoryScatter.HEDGE_BURST + 2); call++) {
            GatherResult<List<Hits>> r = scatter.scatter("search", new Query("x"), Hits.class, Merger.toList(), options);
            assertThat(r.isComplete()).isTrue();
            hedged += r.stats().hedgedRequests();
            won += r.stats().hedgesWon();
        }
        // A fast first answer slower than the hedge delay (a busy machine) may spend a token on a hedge that loses.
        assertThat(hedged).isEqualTo(InMemoryScatter.HEDGE_BURST);
        assertThat(won).isPositive().isLessThanOrEqualTo(hedged);
    }
}

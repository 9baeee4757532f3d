package io.patternkit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patternkit.core.NotFoundException;
import io.patternkit.scatter.Completion;
import io.patternkit.scatter.GatherResult;
import io.patternkit.scatter.Hedging;
import io.patternkit.scatter.LeafHandler;
import io.patternkit.scatter.MergeFailedException;
import io.patternkit.scatter.MergeHandler;
import io.patternkit.scatter.Merger;
import io.patternkit.scatter.PartialResultException;
import io.patternkit.scatter.ScatterGather;
import io.patternkit.scatter.ScatterOptions;
import io.patternkit.scatter.ShardOutcome;
import io.patternkit.scatter.ShardStatus;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The semantics every {@link ScatterGather} must honour, as one abstract JUnit 5 suite: run it
 * against {@link InMemoryScatter} and against a real root sidecar with real leaves, so that a unit
 * test written against the fake means what it says (Micrometer's compatibility kit does the same for
 * registries). Each test gets a fresh pool.
 *
 * <p>What it checks: every shard's part reaches the merger once and the result names every shard;
 * a partial result is never silent ({@link GatherResult#value()} throws and names the missing
 * shards); a leaf that never answers ends its shard as timed out at the deadline, not later; a
 * completion policy stops early and reports the rest as skipped; a shard subset asks only those
 * shards and names the unknown ones; a failing replica fails over to another replica of its shard;
 * a straggling replica is overtaken by a hedged request to another; a merge container gets the request
 * and every answered part, and its failure is reported, not silent; a pool without leaves is a
 * {@link NotFoundException}; bad arguments fail before anything is sent.
 */
public abstract class ScatterCompatibilityKit {
    /** The request every test scatters. */
    public record Query(String q) {
    }

    /** The part every leaf answers. */
    public record Part(String shard, String echo) {
    }

    /** What the kit's merge container answers. */
    public record Merged(String q, List<String> shards) {
    }

    /** The pool of the current test, fresh per test. */
    protected String pool;

    /** @return the scatter/gather under test */
    protected abstract ScatterGather root();

    /**
     * Serves one replica of a shard of a pool with {@code handler}, and returns once the root knows it
     * (for a real sidecar: once the leaf is registered).
     *
     * @param pool the pool
     * @param shard the shard
     * @param leafId the replica's id, unique in the pool
     * @param handler the replica's code
     */
    protected abstract void serveReplica(String pool, String shard, String leafId, LeafHandler<Query, Part> handler);

    /**
     * Serves a merge container that runs {@code handler}, and returns the URL a scatter names as its
     * {@code mergeUrl} (for a real root: a {@link io.patternkit.scatter.MergeContainer} on a server of its
     * own).
     *
     * @param handler the merge
     * @return the merge container's URL
     */
    protected abstract URI serveMerge(MergeHandler<Query, Part, ?> handler);

    /**
     * Serves a shard with one replica, {@code leaf-<shard>}.
     *
     * @param pool the pool
     * @param shard the shard
     * @param handler the leaf's code
     */
    protected final void serve(String pool, String shard, LeafHandler<Query, Part> handler) {
        serveReplica(pool, shard, "leaf-" + shard, handler);
    }

    /**
     * @return how much later than its deadline a scatter may end (scheduling and HTTP on a busy
     *     machine); 1 s unless an implementation needs more
     */
    protected Duration slack() {
        return Duration.ofSeconds(1);
    }

    @BeforeEach
    void freshPool() {
        pool = "kit-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static LeafHandler<Query, Part> echo() {
        return (q, ctx) -> new Part(ctx.shard(), q.q());
    }

    private ScatterOptions.Builder options(Duration deadline) {
        return ScatterOptions.builder().deadline(deadline).hedging(Hedging.disabled());
    }

    @Test
    void everyShardsPartReachesTheMergerOnceAndEveryShardIsNamed() {
        for (String shard : List.of("s1", "s2", "s3")) {
            serve(pool, shard, echo());
        }
        GatherResult<List<Part>> r = root().scatter(pool, new Query("x"), Part.class, Merger.toList(),
                options(Duration.ofSeconds(5)).build());
        assertThat(r.isComplete()).isTrue();
        assertThat(r.policyMet()).isTrue();
        assertThat(r.value()).extracting(Part::shard).containsExactlyInAnyOrder("s1", "s2", "s3");
        assertThat(r.value()).extracting(Part::echo).containsOnly("x");
        assertThat(r.shards()).extracting(s -> s.shard()).containsExactlyInAnyOrder("s1", "s2", "s3");
        assertThat(r.shards()).allMatch(s -> s.status() == ShardStatus.ANSWERED);
        assertThat(r.missing()).isEmpty();
    }

    @Test
    void aFailingShardMakesThePartialResultLoudAndNamed() {
        serve(pool, "s1", echo());
        serve(pool, "s2", (q, ctx) -> {
            throw new IllegalStateException("disk full");
        });
        GatherResult<List<Part>> r = root().scatter(pool, new Query("x"), Part.class, Merger.toList(),
                options(Duration.ofSeconds(5)).build());
        assertThat(r.isComplete()).isFalse();
        assertThat(r.shard("s2").orElseThrow().status()).isEqualTo(ShardStatus.FAILED);
        assertThat(r.missing()).extracting(s -> s.shard()).containsExactly("s2");
        assertThatThrownBy(r::value).isInstanceOf(PartialResultException.class).hasMessageContaining("s2");
        assertThat(r.partialValue()).extracting(Part::shard).containsExactly("s1");
    }

    @Test
    void aLeafThatNeverAnswersTimesOutAtTheDeadline() throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        serve(pool, "s1", echo());
        serve(pool, "s2", (q, ctx) -> {
            never.await(30, TimeUnit.SECONDS);
            return new Part(ctx.shard(), "late");
        });
        Duration deadline = Duration.ofMillis(800);
        long start = System.nanoTime();
        GatherResult<List<Part>> r = root().scatter(pool, new Query("x"), Part.class, Merger.toList(),
                options(deadline).build());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        never.countDown();
        assertThat(r.shard("s2").orElseThrow().status()).isEqualTo(ShardStatus.TIMED_OUT);
        assertThat(r.shard("s1").orElseThrow().status()).isEqualTo(ShardStatus.ANSWERED);
        assertThat(took).isGreaterThanOrEqualTo(deadline.minusMillis(50)).isLessThan(deadline.plus(slack()));
    }

    @Test
    void aMetCompletionPolicyStopsEarlyAndSkipsTheRest() throws InterruptedException {
        CountDownLatch released = new CountDownLatch(1);
        serve(pool, "s1", echo());
        serve(pool, "s2", (q, ctx) -> {
            released.await(30, TimeUnit.SECONDS);
            return new Part(ctx.shard(), "late");
        });
        long start = System.nanoTime();
        GatherResult<List<Part>> r = root().scatter(pool, new Query("x"), Part.class, Merger.toList(),
                options(Duration.ofSeconds(10)).completion(Completion.firstN(1)).build());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        released.countDown();
        assertThat(r.policyMet()).isTrue();
        assertThat(r.isComplete()).isFalse();
        assertThat(r.valueIfPolicyMet()).extracting(Part::shard).containsExactly("s1");
        assertThat(r.shard("s2").orElseThrow().status()).isEqualTo(ShardStatus.SKIPPED);
        assertThat(took).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aShardSubsetAsksOnlyThoseShardsAndNamesUnknownOnesSkipped() {
        serve(pool, "s1", echo());
        serve(pool, "s2", echo());
        GatherResult<List<Part>> r = root().scatter(pool, new Query("x"), Part.class, Merger.toList(),
                options(Duration.ofSeconds(5)).shards(List.of("s2", "s9")).build());
        assertThat(r.shards()).extracting(s -> s.shard()).containsExactlyInAnyOrder("s2", "s9");
        assertThat(r.shard("s2").orElseThrow().status()).isEqualTo(ShardStatus.ANSWERED);
        assertThat(r.shard("s9").orElseThrow().status()).isEqualTo(ShardStatus.SKIPPED);
        assertThat(r.partialValue()).extracting(Part::shard).containsExactly("s2");
    }

    @Test
    void aFailingReplicaFailsOverToAnotherReplicaOfItsShard() {
        serveReplica(pool, "s1", "s1-broken", (q, ctx) -> {
            throw new IllegalStateException("disk full");
        });
        serveReplica(pool, "s1", "s1-good", echo());
        int attempts = 0;
        for (int call = 0; call < 2; call++) {
            GatherResult<List<Part>> r = root().scatter(pool, new Query("x"), Part.class, Merger.toList(),
                    options(Duration.ofSeconds(5)).build());
            ShardOutcome s1 = r.shard("s1").orElseThrow();
            assertThat(s1.status()).as("call %d: %s", call, s1).isEqualTo(ShardStatus.ANSWERED);
            assertThat(s1.leafId()).contains("s1-good");
            attempts += s1.attempts();
        }
        // Round-robin asks the broken replica first in one of the two calls: three leaf requests in all.
        assertThat(attempts).isEqualTo(3);
    }

    @Test
    void aStragglingReplicaIsOvertakenByAHedgedRequest() throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        serveReplica(pool, "s1", "s1-slow", (q, ctx) -> {
            never.await(30, TimeUnit.SECONDS);
            return new Part(ctx.shard(), "late");
        });
        serveReplica(pool, "s1", "s1-fast", echo());
        ScatterOptions hedged = ScatterOptions.builder().deadline(Duration.ofSeconds(5))
                .hedging(Hedging.enabled().withDelayBounds(Duration.ofMillis(20), Duration.ofMillis(50))).build();
        long hedgesWon = 0;
        try {
            for (int call = 0; call < 2; call++) {
                long start = System.nanoTime();
                GatherResult<List<Part>> r = root().scatter(pool, new Query("x"), Part.class, Merger.toList(), hedged);
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                ShardOutcome s1 = r.shard("s1").orElseThrow();
                assertThat(s1.status()).as("call %d: %s", call, s1).isEqualTo(ShardStatus.ANSWERED);
                assertThat(s1.leafId()).contains("s1-fast");
                assertThat(took).isLessThan(Duration.ofSeconds(5).minus(slack()));
                hedgesWon += r.stats().hedgesWon();
            }
        } finally {
            never.countDown();
        }
        // Round-robin asks the straggler first in one of the two calls; only a hedge can answer that one.
        assertThat(hedgesWon).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aMergeContainerGetsTheRequestAndEveryPartAndItsFailureIsReported() {
        serve(pool, "s1", echo());
        serve(pool, "s2", echo());
        URI merge = serveMerge(input -> new Merged(input.request().q(),
                input.parts().values().stream().map(Part::shard).sorted().toList()));
        GatherResult<Merged> r = root().scatterMerged(pool, new Query("x"), Merged.class,
                options(Duration.ofSeconds(5)).mergeUrl(merge).build());
        assertThat(r.value()).isEqualTo(new Merged("x", List.of("s1", "s2")));
        assertThat(r.mergeError()).isEmpty();

        URI failing = serveMerge(input -> {
            throw new IllegalStateException("cannot merge");
        });
        GatherResult<Merged> failed = root().scatterMerged(pool, new Query("x"), Merged.class,
                options(Duration.ofSeconds(5)).mergeUrl(failing).build());
        assertThat(failed.isComplete()).isTrue();
        assertThat(failed.mergeError()).isPresent();
        assertThatThrownBy(failed::value).isInstanceOf(MergeFailedException.class);
    }

    @Test
    void aPoolWithoutLeavesIsNotFound() {
        assertThatThrownBy(() -> root().scatter(pool, new Query("x"), Part.class, Merger.toList(),
                options(Duration.ofSeconds(2)).build())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void badArgumentsFailBeforeAnythingIsSent() {
        assertThatThrownBy(() -> root().scatter("bad pool", new Query("x"), Part.class, Merger.toList()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pool name");
        assertThatThrownBy(() -> root().scatter(pool, new Query("x"), Part.class, null))
                .isInstanceOf(NullPointerException.class);
    }
}

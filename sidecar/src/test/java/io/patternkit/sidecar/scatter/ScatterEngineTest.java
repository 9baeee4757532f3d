package io.patternkit.sidecar.scatter;

import io.patternkit.protocol.CompletionPolicy;

import io.patternkit.protocol.LeafSource;

import io.patternkit.protocol.ShardStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.host.OutboundToken;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The scatter engine on a manual clock with leaves the test answers: timing is exact, nothing sleeps. */
class ScatterEngineTest {
    private static final String POOL = "search";
    private final ManualScheduler clock = new ManualScheduler();
    private final FakePoster leaves = new FakePoster();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private ScatterEngine engine = engine(10);

    /** Leaves named a, b, ... over plain HTTP: the token may go to them (as with --insecure-plaintext). */
    private ScatterEngine engine(int burst) {
        return engine(burst, new OutboundToken(Optional.of("tok"), true));
    }

    private ScatterEngine engine(int burst, OutboundToken token) {
        return new ScatterEngine(clock, leaves, new ScatterMetrics(meters), token,
                new ScatterEngine.Settings(Duration.ofSeconds(30), 6, 20, burst));
    }

    /** Collects what the listener hears. */
    private static final class Heard implements ScatterListener {
        final List<ShardOutcome> parts = new ArrayList<>();
        final List<ScatterOutcome> done = new ArrayList<>();

        @Override
        public void onPart(ShardOutcome outcome) {
            assertThat(done).as("no part after done").isEmpty();
            parts.add(outcome);
        }

        @Override
        public void onDone(ScatterOutcome outcome) {
            done.add(outcome);
        }

        ScatterOutcome outcome() {
            assertThat(done).hasSize(1);
            return done.get(0);
        }

        ShardOutcome shard(String name) {
            return outcome().shards().stream().filter(s -> s.shard().equals(name)).findFirst().orElseThrow();
        }
    }

    private static Leaf leaf(String shard, String id) {
        return new Leaf(POOL, shard, id, "http://" + id + "/leaf", LeafSource.STATIC, Long.MAX_VALUE);
    }

    private static ShardTarget shard(String name, String... replicaIds) {
        return new ShardTarget(name, Arrays.stream(replicaIds).map(id -> leaf(name, id)).toList());
    }

    private static final Hedging NO_HEDGING = new Hedging(false, 95, Duration.ofMillis(1), Duration.ofSeconds(1), 5, 1);

    private static ScatterPlan plan(long deadlineMs, Completion completion, Hedging hedging, ShardTarget... targets) {
        return new ScatterPlan(POOL, "sc-1", "{\"q\":\"tail\"}", Duration.ofMillis(deadlineMs), Duration.ofMillis(deadlineMs),
                completion, hedging, List.of(targets));
    }

    private Heard start(ScatterPlan plan) {
        Heard heard = new Heard();
        engine.start(plan, heard);
        return heard;
    }

    private void recordLatency(long ms, int samples) {
        for (int i = 0; i < samples; i++) {
            engine.latency(POOL).record(Duration.ofMillis(ms));
        }
    }

    @Test
    void aPoolWithoutACallForTenMinutesLosesItsMetersAndRotationAndOneCalledKeepsThem() {
        Heard heard = start(plan(100, Completion.ALL, NO_HEDGING, shard("s1", "a")));
        leaves.last().answer("{\"r\":1}");
        assertThat(heard.outcome().complete()).isTrue();
        assertThat(meters.find(ScatterMetrics.DURATION).tag("pool", POOL).meters()).isNotEmpty();

        clock.advance(ScatterEngine.FORGET_POOL_AFTER.minusMinutes(1));
        start(new ScatterPlan("other", "sc-2", "{}", Duration.ofMillis(100), Duration.ofMillis(100), Completion.ALL,
                NO_HEDGING, List.of(new ShardTarget("s1", List.of()))));
        assertThat(meters.find(ScatterMetrics.DURATION).tag("pool", POOL).meters()).as("called 9 minutes ago").isNotEmpty();

        clock.advance(Duration.ofMinutes(2));
        start(new ScatterPlan("other", "sc-3", "{}", Duration.ofMillis(100), Duration.ofMillis(100), Completion.ALL,
                NO_HEDGING, List.of(new ShardTarget("s1", List.of()))));
        assertThat(meters.getMeters()).as("no series of the pool idle for 11 minutes")
                .noneMatch(m -> POOL.equals(m.getId().getTag("pool")));
        assertThat(meters.find(ScatterMetrics.DURATION).tag("pool", "other").meters()).as("the pool just called").isNotEmpty();
        assertThat(engine.nextRoundRobin(POOL, "s1")).as("its rotation starts over").isZero();
    }

    @Test
    void aPoolNoCallUsedForLongerThanItRemembersIsForgottenAndOneInUseIsKept() {
        for (int i = 0; i < 100; i++) { // pools whose leaves came and went
            engine.latency("gone-" + i).record(Duration.ofMillis(5));
        }
        recordLatency(10, 20);
        clock.advance(Duration.ofSeconds(20));
        recordLatency(10, 20); // in use: within the window
        assertThat(engine.poolsHeld()).isEqualTo(101);

        clock.advance(Duration.ofSeconds(11)); // 31 s since the others were used: past the 30 s window
        assertThat(engine.latency(POOL).percentile(50)).hasValueSatisfying(p50 -> assertThat(p50.toMillis()).isEqualTo(10));
        assertThat(engine.poolsHeld()).isEqualTo(1);
        assertThat(engine.latency("gone-0").percentile(50)).as("made anew, as empty as the old one had become").isEmpty();
    }

    /** Found by an audit: a call naming the shards of a pool with no leaves made a latency tracker (about 200 kB). */
    @Test
    void aHedgingCallThatCannotHedgeMakesNoStateForItsPool() {
        Hedging hedging = new Hedging(true, 95, Duration.ofMillis(1), Duration.ofSeconds(1), 5, 1);
        start(new ScatterPlan("made-up", "sc-2", "{}", Duration.ofMillis(100), Duration.ofMillis(100), Completion.ALL,
                hedging, List.of(new ShardTarget("s1", List.of()))));
        assertThat(engine.poolsHeld()).isZero();
        start(plan(100, Completion.ALL, hedging, shard("s1", "a", "b")));
        assertThat(engine.poolsHeld()).isEqualTo(1);
    }

    @Test
    void leafCallCarriesTheRequestTheRemainingBudgetAndTheToken() {
        start(plan(200, Completion.ALL, NO_HEDGING, shard("s1", "a")));
        FakePoster.Post post = leaves.last();
        assertThat(post.url).isEqualTo("http://a/leaf");
        assertThat(post.headers).containsEntry(Wire.HEADER_DEADLINE_MS, "200").containsEntry(Wire.HEADER_ATTEMPT, "1")
                .containsEntry(Wire.HEADER_SCATTER_ID, "sc-1").containsEntry("Authorization", "Bearer tok");
        assertThat(post.body.toString())
                .isEqualTo("{\"pool\":\"search\",\"scatterId\":\"sc-1\",\"shard\":\"s1\",\"request\":{\"q\":\"tail\"}}");
    }

    @Test
    void theTokenNeverGoesInClearToALeafAcrossANetwork() {
        engine = engine(10, new OutboundToken(Optional.of("s3cr3t"), false));
        Leaf overTls = new Leaf(POOL, "s2", "t", "https://t/leaf", LeafSource.STATIC, Long.MAX_VALUE);
        Leaf onLoopback = new Leaf(POOL, "s3", "l", "http://127.0.0.1:7400/leaf", LeafSource.STATIC, Long.MAX_VALUE);
        Heard heard = start(plan(200, Completion.ALL, NO_HEDGING, shard("s1", "a", "b"),
                new ShardTarget("s2", List.of(overTls)), new ShardTarget("s3", List.of(onLoopback))));
        assertThat(leaves.to("http://a/leaf")).isEmpty();
        assertThat(leaves.to("http://b/leaf")).isEmpty();
        assertThat(leaves.to("https://t/leaf").get(0).headers).containsEntry("Authorization", "Bearer s3cr3t");
        assertThat(leaves.to("http://127.0.0.1:7400/leaf").get(0).headers).containsEntry("Authorization", "Bearer s3cr3t");
        leaves.to("https://t/leaf").get(0).answer("{}");
        leaves.to("http://127.0.0.1:7400/leaf").get(0).answer("{}");
        assertThat(heard.shard("s1").status()).isEqualTo(ShardStatus.FAILED);
        assertThat(heard.shard("s1").reason()).contains("leaf a: refusing to send the API token in clear to http://a")
                .contains("leaf b: refusing").contains("--insecure-plaintext").doesNotContain("s3cr3t");
    }

    @Test
    void deadlineEndsTheCallExactlyAndTimesOutTheStraggler() {
        Heard heard = start(plan(100, Completion.ALL, NO_HEDGING, shard("s1", "a"), shard("s2", "b")));
        clock.advanceMillis(10);
        leaves.to("http://a/leaf").get(0).answer("{\"hits\":[1]}");
        clock.advanceMillis(89);
        assertThat(heard.done).isEmpty();
        clock.advanceMillis(1);
        ScatterOutcome outcome = heard.outcome();
        assertThat(outcome.elapsed()).isEqualTo(Duration.ofMillis(100));
        assertThat(outcome.complete()).isFalse();
        assertThat(outcome.policyMet()).isFalse();
        assertThat(heard.shard("s1").status()).isEqualTo(ShardStatus.ANSWERED);
        assertThat(heard.shard("s1").response().get("hits").get(0).asInt()).isEqualTo(1);
        assertThat(heard.shard("s1").latency()).isEqualTo(Duration.ofMillis(10));
        assertThat(heard.shard("s2").status()).isEqualTo(ShardStatus.TIMED_OUT);
        assertThat(heard.shard("s2").reason()).contains("deadline of 100 ms");
        assertThat(leaves.to("http://b/leaf").get(0).cancelled).as("straggler's request cancelled").isTrue();
        assertThat(outcome.stats().cancelledRequests()).isEqualTo(1);
    }

    @Test
    void allWaitsForEveryShard() {
        Heard heard = start(plan(1000, Completion.ALL, NO_HEDGING, shard("s1", "a"), shard("s2", "b"), shard("s3", "c")));
        leaves.to("http://a/leaf").get(0).answer("1");
        leaves.to("http://b/leaf").get(0).answer("2");
        assertThat(heard.done).isEmpty();
        clock.advanceMillis(5);
        leaves.to("http://c/leaf").get(0).answer("3");
        assertThat(heard.outcome().complete()).isTrue();
        assertThat(heard.outcome().policyMet()).isTrue();
        assertThat(heard.outcome().elapsed()).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void quorumStopsAtAMajorityAndCancelsTheRest() {
        Heard heard = start(plan(1000, new Completion(CompletionPolicy.QUORUM, 0), NO_HEDGING,
                shard("s1", "a"), shard("s2", "b"), shard("s3", "c")));
        clock.advanceMillis(3);
        leaves.to("http://c/leaf").get(0).answer("3");
        assertThat(heard.done).isEmpty();
        leaves.to("http://a/leaf").get(0).answer("1");
        ScatterOutcome outcome = heard.outcome();
        assertThat(outcome.elapsed()).isEqualTo(Duration.ofMillis(3));
        assertThat(outcome.policyMet()).isTrue();
        assertThat(outcome.complete()).isFalse();
        assertThat(heard.shard("s2").status()).isEqualTo(ShardStatus.SKIPPED);
        assertThat(heard.shard("s2").reason()).contains("quorum");
        assertThat(leaves.to("http://b/leaf").get(0).cancelled).isTrue();
        assertThat(outcome.answerOrder()).extracting(ShardOutcome::shard).containsExactly("s3", "s1");
    }

    @Test
    void firstNStopsAtN() {
        Heard heard = start(plan(1000, new Completion(CompletionPolicy.FIRST_N, 1), NO_HEDGING,
                shard("s1", "a"), shard("s2", "b")));
        leaves.to("http://b/leaf").get(0).answer("2");
        assertThat(heard.outcome().policyMet()).isTrue();
        assertThat(heard.shard("s1").status()).isEqualTo(ShardStatus.SKIPPED);
        assertThat(leaves.to("http://a/leaf").get(0).cancelled).isTrue();
    }

    @Test
    void hedgeFiresAtThePercentileDelayNotBeforeAndTheLoserIsCancelled() {
        recordLatency(20, 100);
        Duration p95 = engine.latency(POOL).percentile(95).orElseThrow();
        assertThat(p95.toNanos()).isCloseTo(Duration.ofMillis(20).toNanos(), within(Duration.ofMillis(20).toNanos() / 100));
        Hedging hedging = new Hedging(true, 95, Duration.ofMillis(1), Duration.ofSeconds(1), 5, 1);
        Heard heard = start(plan(1000, Completion.ALL, hedging, shard("s1", "a", "b")));
        String first = leaves.last().url;
        clock.advance(p95.minusNanos(1));
        assertThat(leaves.posts).hasSize(1);
        clock.advance(Duration.ofNanos(1));
        assertThat(leaves.posts).hasSize(2);
        FakePoster.Post hedge = leaves.last();
        assertThat(hedge.url).isNotEqualTo(first);
        assertThat(hedge.headers).containsEntry(Wire.HEADER_ATTEMPT, "2")
                .containsEntry(Wire.HEADER_DEADLINE_MS, Long.toString(Duration.ofSeconds(1).minus(p95).toMillis()));
        clock.advanceMillis(2);
        hedge.answer("\"from the hedge\"");
        ShardOutcome s1 = heard.shard("s1");
        assertThat(s1.status()).isEqualTo(ShardStatus.ANSWERED);
        assertThat(s1.hedged()).isTrue();
        assertThat(s1.attempts()).isEqualTo(2);
        assertThat(s1.leafId()).isEqualTo(hedge.url.substring(7, 8));
        assertThat(leaves.posts.get(0).cancelled).as("loser cancelled").isTrue();
        assertThat(heard.outcome().stats()).isEqualTo(new ScatterStats(2, 1, 1, 1));
        assertThat(meters.get(ScatterMetrics.HEDGES).tag("result", "won").counter().count()).isEqualTo(1.0);
    }

    @Test
    void withoutEnoughSamplesTheHedgeWaitsMaxDelay() {
        recordLatency(20, 5);
        Hedging hedging = new Hedging(true, 95, Duration.ofMillis(1), Duration.ofMillis(300), 5, 1);
        start(plan(1000, Completion.ALL, hedging, shard("s1", "a", "b")));
        clock.advanceMillis(299);
        assertThat(leaves.posts).hasSize(1);
        clock.advanceMillis(1);
        assertThat(leaves.posts).hasSize(2);
    }

    @Test
    void hedgeDelayIsBoundedByMinDelay() {
        recordLatency(2, 100);
        Hedging hedging = new Hedging(true, 50, Duration.ofMillis(40), Duration.ofMillis(300), 5, 1);
        start(plan(1000, Completion.ALL, hedging, shard("s1", "a", "b")));
        clock.advanceMillis(39);
        assertThat(leaves.posts).hasSize(1);
        clock.advanceMillis(1);
        assertThat(leaves.posts).hasSize(2);
    }

    @Test
    void hedgeBudgetCapsExtraRequests() {
        engine = engine(1);
        recordLatency(10, 100);
        Hedging tenPercent = new Hedging(true, 95, Duration.ofMillis(1), Duration.ofSeconds(1), 10, 1);
        int hedges = 0;
        for (int call = 1; call <= 20; call++) {
            int before = leaves.posts.size();
            Heard heard = start(plan(50, Completion.ALL, tenPercent, shard("s1", "a", "b")));
            clock.advanceMillis(50);
            hedges += heard.outcome().stats().hedgedRequests();
            assertThat(leaves.posts.size() - before).isEqualTo(1 + heard.outcome().stats().hedgedRequests());
        }
        // Within the budget's window (these calls take 1 s): the reserve of 1, then 10 % of 20 first requests.
        // Call 1 spends the reserve, calls 10 and 20 what calls 1 to 10 and 11 to 20 deposited.
        assertThat(hedges).isEqualTo(3);
        assertThat(meters.get(ScatterMetrics.HEDGES).tag("result", "denied").counter().count()).isEqualTo(17.0);
        // Call 20's hedge found 1 of 3 tokens left (reserve 1 and 2 deposited, 2 spent): sent 1.5 delays late.
        assertThat(meters.get(ScatterMetrics.HEDGES).tag("result", "deferred").counter().count()).isEqualTo(1.0);
    }

    /** 0.01 % earns nothing a thousandth can hold: with {@code engine(4)}, the allowance is the reserve of 4 alone. */
    private static final Hedging RESERVE_ONLY = new Hedging(true, 95, Duration.ofMillis(1), Duration.ofSeconds(1), 0.01, 1);

    /** Three calls whose one shard is hedged at the delay and answered by the hedge: 1 of 4 tokens left. */
    private Duration spendThreeOfFourAtTheDelay() {
        engine = engine(4);
        recordLatency(20, 100);
        Duration p95 = engine.latency(POOL).percentile(95).orElseThrow();
        for (int call = 1; call <= 3; call++) { // 4, 3, then 2 of 4 left: at least half, hedged at the delay
            int before = leaves.posts.size();
            start(plan(1000, Completion.ALL, RESERVE_ONLY, shard("s1", "a", "b")));
            clock.advance(p95);
            assertThat(leaves.posts.size() - before).as("call %d", call).isEqualTo(2);
            leaves.last().answer("1");
        }
        return p95;
    }

    @Test
    void asTheBudgetRunsLowAHedgeWaitsUntilItIsLaterAndTheLastTokenIsDenied() {
        Duration p95 = spendThreeOfFourAtTheDelay();
        int before = leaves.posts.size();
        start(plan(1000, Completion.ALL, RESERVE_ONLY, shard("s1", "a", "b")));
        clock.advance(p95);
        assertThat(leaves.posts.size() - before).as("1 of 4 left: only a hedge twice the delay late").isEqualTo(1);
        assertThat(meters.get(ScatterMetrics.HEDGES).tag("result", "deferred").counter().count()).isEqualTo(1.0);
        clock.advance(p95.minusNanos(1));
        assertThat(leaves.posts.size() - before).isEqualTo(1);
        clock.advance(Duration.ofNanos(1));
        assertThat(leaves.posts.size() - before).isEqualTo(2);
        leaves.last().answer("1");

        before = leaves.posts.size();
        Heard heard = start(plan(1000, Completion.ALL, RESERVE_ONLY, shard("s1", "a", "b")));
        clock.advance(Duration.ofSeconds(1));
        assertThat(leaves.posts.size() - before).as("nothing left: denied").isEqualTo(1);
        assertThat(heard.outcome().stats().hedgedRequests()).isZero();
        assertThat(meters.get(ScatterMetrics.HEDGES).tag("result", "denied").counter().count()).isEqualTo(1.0);
        assertThat(meters.get(ScatterMetrics.HEDGES).tag("result", "deferred").counter().count()).isEqualTo(1.0);
    }

    @Test
    void aHedgeTheBudgetWouldOnlyAllowAfterTheDeadlineIsDenied() {
        Duration p95 = spendThreeOfFourAtTheDelay();
        int before = leaves.posts.size();
        Heard heard = start(plan(p95.multipliedBy(3).dividedBy(2).toMillis(), Completion.ALL, RESERVE_ONLY,
                shard("s1", "a", "b")));
        clock.advance(p95); // twice the delay late would be past the deadline
        assertThat(meters.get(ScatterMetrics.HEDGES).tag("result", "denied").counter().count()).isEqualTo(1.0);
        assertThat(meters.find(ScatterMetrics.HEDGES).tag("result", "deferred").counters()).isEmpty();
        clock.advance(p95);
        assertThat(leaves.posts.size() - before).isEqualTo(1);
        assertThat(heard.shard("s1").status()).isEqualTo(ShardStatus.TIMED_OUT);
    }

    @Test
    void aHedgeAfterAFailoverGoesWhenDueWhileTheBudgetIsFull() {
        recordLatency(20, 100);
        Duration p95 = engine.latency(POOL).percentile(95).orElseThrow();
        Hedging hedging = new Hedging(true, 95, Duration.ofMillis(1), Duration.ofSeconds(1), 5, 1);
        start(plan(1000, Completion.ALL, hedging, shard("s1", "a", "b", "c")));
        clock.advance(p95.dividedBy(2));
        leaves.last().fail("HTTP 503"); // the failover's request is half a delay old when the hedge falls due
        assertThat(leaves.posts).hasSize(2);
        clock.advance(p95.minus(p95.dividedBy(2)));
        assertThat(leaves.posts).hasSize(3);
        assertThat(leaves.last().headers).containsEntry(Wire.HEADER_ATTEMPT, "3");
        assertThat(meters.find(ScatterMetrics.HEDGES).tag("result", "deferred").counters()).isEmpty();
    }

    @Test
    void aSecondHedgeAsksTheReplicaWhoseRequestWaitedLongestOneDelayLater() {
        recordLatency(20, 100);
        Duration p95 = engine.latency(POOL).percentile(95).orElseThrow();
        Hedging twoHedges = new Hedging(true, 95, Duration.ofMillis(1), Duration.ofSeconds(1), 100, 2);
        Heard heard = start(plan(1000, Completion.ALL, twoHedges, shard("s1", "a", "b")));
        FakePoster.Post first = leaves.last();
        clock.advance(p95);
        FakePoster.Post hedge = leaves.last();
        assertThat(hedge.url).isNotEqualTo(first.url);
        clock.advance(p95.minusNanos(1));
        assertThat(leaves.posts).hasSize(2);
        clock.advance(Duration.ofNanos(1));
        assertThat(leaves.posts).hasSize(3);
        FakePoster.Post again = leaves.last();
        assertThat(again.url).isEqualTo(first.url); // both replicas are working on it: the one asked first, again
        assertThat(again.headers).containsEntry(Wire.HEADER_ATTEMPT, "3");
        clock.advance(Duration.ofSeconds(1).minus(p95.multipliedBy(2)).minusMillis(1)); // up to the deadline: no fourth
        assertThat(leaves.posts).hasSize(3);
        again.answer("\"from the second hedge\"");
        ShardOutcome s1 = heard.shard("s1");
        assertThat(s1.status()).isEqualTo(ShardStatus.ANSWERED);
        assertThat(s1.attempts()).isEqualTo(3);
        assertThat(first.cancelled).isTrue();
        assertThat(hedge.cancelled).isTrue();
        assertThat(heard.outcome().stats()).isEqualTo(new ScatterStats(3, 2, 1, 2));
    }

    @Test
    void aDueHedgeWaitsUntilHalfTheOtherShardsHaveSettled() {
        recordLatency(20, 100);
        Duration p95 = engine.latency(POOL).percentile(95).orElseThrow();
        Hedging hedging = new Hedging(true, 95, Duration.ofMillis(1), Duration.ofSeconds(1), 100, 1);
        Heard heard = start(plan(1000, Completion.ALL, hedging, shard("s1", "a1", "b1"), shard("s2", "a2", "b2"),
                shard("s3", "a3", "b3"), shard("s4", "a4", "b4")));
        assertThat(leaves.posts).hasSize(4);
        clock.advance(p95.multipliedBy(3)); // every shard is slow alike: no hedge, no budget spent
        assertThat(leaves.posts).hasSize(4);
        assertThat(meters.find(ScatterMetrics.HEDGES).counters()).isEmpty();
        leaves.posts.get(0).answer("1");
        assertThat(leaves.posts).as("one of three others settled").hasSize(4);
        leaves.posts.get(1).answer("2");
        assertThat(leaves.posts).as("two of three: s3 and s4 are slower than the call's median shard").hasSize(6);
        assertThat(leaves.posts.subList(4, 6)).extracting(p -> p.headers.get(Wire.HEADER_ATTEMPT)).containsOnly("2");
        leaves.posts.get(4).answer("3");
        leaves.posts.get(5).answer("4");
        assertThat(heard.outcome().stats()).isEqualTo(new ScatterStats(6, 2, 2, 2));
    }

    @Test
    void aShardWithOneReplicaIsNotHedged() {
        recordLatency(20, 100);
        Hedging twoHedges = new Hedging(true, 95, Duration.ofMillis(1), Duration.ofSeconds(1), 100, 2);
        Heard heard = start(plan(1000, Completion.ALL, twoHedges, shard("s1", "a")));
        clock.advanceMillis(999);
        assertThat(leaves.posts).hasSize(1);
        leaves.last().answer("1");
        assertThat(heard.outcome().stats().hedgedRequests()).isZero();
    }

    @Test
    void failedReplicaFailsOverToAnotherWithTheBudgetLeft() {
        Heard heard = start(plan(100, Completion.ALL, NO_HEDGING, shard("s1", "a", "b")));
        FakePoster.Post first = leaves.last();
        clock.advanceMillis(30);
        first.fail("HTTP 503");
        FakePoster.Post second = leaves.last();
        assertThat(second.url).isNotEqualTo(first.url);
        assertThat(second.headers).containsEntry(Wire.HEADER_ATTEMPT, "2").containsEntry(Wire.HEADER_DEADLINE_MS, "70");
        second.answer("{}");
        assertThat(heard.shard("s1").status()).isEqualTo(ShardStatus.ANSWERED);
        assertThat(heard.shard("s1").attempts()).isEqualTo(2);
        assertThat(heard.outcome().stats().hedgedRequests()).isZero();
    }

    @Test
    void refusedReplicaIsSkippedAtOnce() {
        leaves.refusing = "http://a/";
        Heard heard = start(plan(100, Completion.ALL, NO_HEDGING, shard("s1", "a", "b"), shard("s2", "a", "b")));
        for (FakePoster.Post p : leaves.to("http://b/leaf")) {
            p.answer("true");
        }
        assertThat(heard.outcome().complete()).isTrue();
        assertThat(heard.outcome().elapsed()).isZero();
    }

    @Test
    void everyReplicaFailingFailsTheShardWithEachReason() {
        Heard heard = start(plan(100, Completion.ALL, NO_HEDGING, shard("s1", "a", "b")));
        leaves.posts.get(0).fail("HTTP 500: boom");
        leaves.posts.get(1).fail("answer is not JSON");
        ShardOutcome s1 = heard.shard("s1");
        assertThat(s1.status()).isEqualTo(ShardStatus.FAILED);
        assertThat(s1.reason()).contains("HTTP 500: boom").contains("answer is not JSON");
        assertThat(s1.attempts()).isEqualTo(2);
        assertThat(heard.outcome().elapsed()).isZero();
    }

    @Test
    void leafTimeoutFailsOverThenTimesTheShardOutBeforeTheDeadline() {
        ScatterPlan plan = new ScatterPlan(POOL, "sc-2", "1", Duration.ofMillis(500), Duration.ofMillis(100), Completion.ALL,
                NO_HEDGING, List.of(shard("s1", "a", "b")));
        Heard heard = start(plan);
        clock.advanceMillis(100);
        assertThat(leaves.posts).hasSize(2);
        assertThat(leaves.posts.get(0).cancelled).isTrue();
        assertThat(leaves.posts.get(1).headers).containsEntry(Wire.HEADER_DEADLINE_MS, "100");
        clock.advanceMillis(100);
        ShardOutcome s1 = heard.shard("s1");
        assertThat(s1.status()).isEqualTo(ShardStatus.TIMED_OUT);
        assertThat(s1.reason()).contains("leaf timeout of 100 ms");
        assertThat(heard.outcome().elapsed()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void everyShardIsReportedExactlyOnceInRequestOrder() {
        leaves.refusing = "http://dead";
        Heard heard = start(plan(100, Completion.ALL, new Hedging(true, 95, Duration.ofMillis(1), Duration.ofMillis(10), 100, 1),
                shard("s1", "a", "a2"), shard("s2", "dead1"), shard("s3"), shard("s4", "d", "d2"), shard("s5", "e")));
        clock.advanceMillis(5);
        leaves.to("http://a/leaf").get(0).answer("1");
        clock.advanceMillis(10);
        leaves.to("http://d2/leaf").get(0).answer("4");
        clock.advanceMillis(100);
        assertThat(heard.parts).extracting(ShardOutcome::shard).containsExactlyInAnyOrder("s1", "s2", "s3", "s4", "s5");
        assertThat(heard.outcome().shards()).extracting(ShardOutcome::shard).containsExactly("s1", "s2", "s3", "s4", "s5");
        assertThat(heard.outcome().shards()).extracting(ShardOutcome::status).containsExactly(ShardStatus.ANSWERED,
                ShardStatus.FAILED, ShardStatus.SKIPPED, ShardStatus.ANSWERED, ShardStatus.TIMED_OUT);
        assertThat(heard.shard("s3").reason()).contains("no replica");
        assertThat(heard.shard("s4").hedged()).isTrue();
        assertThat(leaves.posts.stream().filter(p -> !p.replied && !p.cancelled)).as("nothing left outstanding").isEmpty();
    }

    @Test
    void cancelStopsEveryOutstandingRequestAndTimer() {
        Heard heard = new Heard();
        ScatterCall call = engine.start(plan(100, Completion.ALL, NO_HEDGING, shard("s1", "a"), shard("s2", "b")), heard);
        call.cancel();
        assertThat(leaves.posts).allMatch(p -> p.cancelled);
        clock.advanceMillis(200);
        assertThat(heard.done).isEmpty();
    }

    @Test
    void replicasTakeTurnsAcrossCalls() {
        for (int i = 0; i < 4; i++) {
            start(plan(10, Completion.ALL, NO_HEDGING, shard("s1", "a", "b")));
            clock.advanceMillis(10);
        }
        assertThat(leaves.posts).extracting(p -> p.url)
                .containsExactly("http://a/leaf", "http://b/leaf", "http://a/leaf", "http://b/leaf");
    }

    @Test
    void aPoolCalledLessOftenThanItRemembersStillTakesItsReplicasInTurn() {
        for (int i = 0; i < 4; i++) {
            start(plan(10, Completion.ALL, NO_HEDGING, shard("s1", "a", "b")));
            clock.advance(Duration.ofSeconds(31)); // the pool's latency and budget are forgotten between calls
        }
        assertThat(leaves.posts).extracting(p -> p.url)
                .containsExactly("http://a/leaf", "http://b/leaf", "http://a/leaf", "http://b/leaf");
    }
}

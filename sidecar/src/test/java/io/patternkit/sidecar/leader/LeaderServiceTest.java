package io.patternkit.sidecar.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.patternkit.protocol.ProblemType;
import io.patternkit.sidecar.engine.sqlite.SqliteLeaseEngine;
import io.patternkit.sidecar.common.EngineException;
import io.patternkit.sidecar.common.ProblemException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service on a real SQLite engine, with validity driven by a manual ticker. The retry period
 * is long (20 s) so that anything answered within a few seconds was answered by a wake-up, not by
 * a retry timer.
 */
class LeaderServiceTest {
    private static final LeaderTiming TIMING = new LeaderTiming(Duration.ofSeconds(60), Duration.ofSeconds(40),
            Duration.ofSeconds(20));

    @TempDir
    Path dir;
    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Vertx vertx;
    private LeaseEngine engine;
    private LeaderService service;
    private String election;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        engine = SqliteLeaseEngine.open(dir.resolve("patternkit.db"), Clock.systemUTC());
        service = new LeaderService(vertx, engine, TIMING, nanos::get, new LeaderMetrics(registry));
        election = "e-" + UUID.randomUUID();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
        engine.close();
    }

    private static <T> T result(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    private Lease elect(String candidate) {
        CampaignOutcome outcome = result(service.campaign(election, candidate, 0));
        assertThat(outcome.elected()).isTrue();
        return outcome.lease().orElseThrow();
    }

    private double count(String name, String... tags) {
        var counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    private static void assertLeaseLost(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ProblemException.class,
                p -> assertThat(p.type()).isEqualTo(ProblemType.LEASE_LOST));
    }

    @Test
    void validityRunsFromTheStartOfEachRenewToTheRenewDeadline() {
        Lease lease = elect("a");
        assertThat(lease.term()).isEqualTo(1);
        assertThat(lease.validFor()).isEqualTo(TIMING.renewDeadline());
        advance(Duration.ofSeconds(30));
        Lease renewed = result(service.renew(election, "a", 1));
        assertThat(renewed.validFor()).isEqualTo(TIMING.renewDeadline());
        advance(Duration.ofSeconds(39));
        assertThat(result(service.renew(election, "a", 1)).validFor()).isEqualTo(TIMING.renewDeadline());
        assertThat(registry.find(LeaderMetrics.IS_LEADER).tags("election", election, "candidate", "a").gauge().value())
                .isEqualTo(1.0);
    }

    /** An app restarted in its pod campaigns under a new id each time: the gauges must not pile up. */
    @Test
    void anElectionKeepsTheIsLeaderGaugesOfItsLeaderAndItsLastLeaderNotOfEveryCandidateThatEverLed() {
        for (String candidate : List.of("a", "b", "c", "d")) {
            Lease lease = elect(candidate);
            assertThat(result(service.resign(election, candidate, lease.term()))).isTrue();
        }
        Lease e = elect("e");
        assertThat(registry.find(LeaderMetrics.IS_LEADER).tags("election", election).gauges())
                .extracting(g -> g.getId().getTag("candidate") + "=" + g.value()).containsExactlyInAnyOrder("e=1.0");
        assertThat(result(service.resign(election, "e", e.term()))).isTrue();
        assertThat(registry.find(LeaderMetrics.IS_LEADER).tags("election", election).gauges())
                .extracting(g -> g.getId().getTag("candidate") + "=" + g.value()).containsExactlyInAnyOrder("e=0.0");
        elect("d");
        assertThat(registry.find(LeaderMetrics.IS_LEADER).tags("election", election).gauges())
                .extracting(g -> g.getId().getTag("candidate") + "=" + g.value()).containsExactlyInAnyOrder("d=1.0");
    }

    @Test
    void aHolderThatDoesNotRenewByTheDeadlineHasLostButNobodyTakesTheLeaseBeforeItExpires() {
        elect("a");
        advance(TIMING.renewDeadline());
        assertLeaseLost(() -> result(service.renew(election, "a", 1)));
        assertLeaseLost(() -> result(service.renew(election, "a", 1)));
        assertThat(count(LeaderMetrics.RELEASES, "election", election, "reason", "lost")).isEqualTo(1.0);
        assertThat(registry.find(LeaderMetrics.IS_LEADER).tags("election", election, "candidate", "a").gauge().value())
                .isZero();
        assertThat(engine.read(election).holder()).as("the lease stays until it expires").isEqualTo("a");
        assertThat(result(service.campaign(election, "b", 0)).elected()).as("b before the expiry").isFalse();
        Lease again = elect("a");
        assertThat(again.term()).as("the holder's own campaign gives the lapsed term back and starts a new one")
                .isEqualTo(2);
    }

    @Test
    void anUnreachableEngineIsRetryableUntilTheRenewDeadlineAndLostAfterIt() {
        elect("a");
        engine.close();
        advance(Duration.ofSeconds(5));
        assertThatThrownBy(() -> result(service.renew(election, "a", 1))).isInstanceOf(EngineException.class);
        advance(Duration.ofSeconds(34));
        assertThatThrownBy(() -> result(service.renew(election, "a", 1))).isInstanceOf(EngineException.class);
        advance(Duration.ofSeconds(1));
        assertLeaseLost(() -> result(service.renew(election, "a", 1)));
        assertThat(count(LeaderMetrics.RENEW_FAILURES, "election", election)).isEqualTo(2.0);
        assertThat(count(LeaderMetrics.RELEASES, "election", election, "reason", "lost")).isEqualTo(1.0);
    }

    @Test
    void campaigningAgainAsTheHolderRenewsTheSameTerm() {
        Lease first = elect("a");
        advance(Duration.ofSeconds(10));
        Lease again = elect("a");
        assertThat(again.term()).isEqualTo(first.term());
        assertThat(again.acquiredAt()).isEqualTo(first.acquiredAt());
        assertThat(again.validFor()).isEqualTo(TIMING.renewDeadline());
        assertThat(count(LeaderMetrics.ACQUISITIONS, "election", election)).isEqualTo(1.0);
    }

    @Test
    void renewAndResignOfSomeoneElsesLeaseAreLeaseLostAndChangeNothing() {
        elect("a");
        assertLeaseLost(() -> result(service.renew(election, "b", 1)));
        assertLeaseLost(() -> result(service.resign(election, "b", 1)));
        assertLeaseLost(() -> result(service.renew(election, "a", 2)));
        assertThat(engine.read(election).holder()).isEqualTo("a");
        assertThat(result(service.renew(election, "a", 1)).term()).isEqualTo(1);
    }

    @Test
    void aWaitingCandidateIsElectedAsSoonAsTheHolderResigns() {
        assertElectedWhenTheHolderResigns(service);
        assertLeaseLost(() -> result(service.resign(election, "a", 1)));
    }

    @Test
    void aCandidateWaitingOnAnotherSidecarIsElectedWhenTheHolderResignsThere() {
        // Another sidecar process on the same file: it looks for foreign writes only while its campaign is parked.
        try (LeaseEngine otherEngine = SqliteLeaseEngine.open(dir.resolve("patternkit.db"), Clock.systemUTC())) {
            assertElectedWhenTheHolderResigns(new LeaderService(vertx, otherEngine, TIMING, nanos::get,
                    new LeaderMetrics(registry)));
        }
    }

    /** "a" is elected here, "b" waits through {@code waitingOn}, and is elected once "a" resigns here. */
    private void assertElectedWhenTheHolderResigns(LeaderService waitingOn) {
        elect("a");
        Future<CampaignOutcome> waiting = waitingOn.campaign(election, "b", 15_000);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !waiting.isComplete());
        long start = System.nanoTime();
        assertThat(result(service.resign(election, "a", 1))).isTrue();
        CampaignOutcome outcome = result(waiting);
        assertThat(outcome.elected()).isTrue();
        assertThat(outcome.lease().orElseThrow().term()).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("woken by the write, not the 20 s retry")
                .isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aWaitingCampaignWhoseCallerWentAwayIsNeverElected() {
        elect("a");
        Promise<Void> gone = Promise.promise();
        Future<CampaignOutcome> waiting = service.campaign(election, "b", 15_000, gone.future());
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !waiting.isComplete());
        gone.complete();
        assertThatThrownBy(() -> result(waiting)).hasMessageContaining("connection closed");
        assertThat(result(service.resign(election, "a", 1))).isTrue();
        // Before, the parked campaign woke on the release and took term 2 for a caller that was gone.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> engine.read(election).holder() == null);
        assertThat(result(service.campaign(election, "c", 0)).lease().orElseThrow().term()).isEqualTo(2);
    }

    @Test
    void aTermGrantedAfterTheCallerWentAwayIsGivenBack() throws Exception {
        Gated gated = new Gated(engine);
        gated.releaseGate.countDown();
        LeaderService gatedService = new LeaderService(vertx, gated, TIMING, nanos::get, new LeaderMetrics(registry));
        Promise<Void> gone = Promise.promise();
        Future<CampaignOutcome> campaign = gatedService.campaign(election, "b", 0, gone.future());
        assertThat(gated.entered[0].await(10, TimeUnit.SECONDS)).isTrue();
        gone.complete(); // while its acquisition is under way
        assertThatThrownBy(() -> result(campaign)).hasMessageContaining("connection closed");
        gated.gates[0].countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> engine.read(election).term() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> engine.read(election).holder() == null);
        assertThat(result(service.campaign(election, "c", 0)).elected()).isTrue();
    }

    @Test
    void aRetryThatRenewsATermBeingGivenBackCampaignsAgainInsteadOfAnnouncingIt() throws Exception {
        Gated gated = new Gated(engine);
        LeaderService gatedService = new LeaderService(vertx, gated, TIMING, nanos::get, new LeaderMetrics(registry));
        Promise<Void> gone = Promise.promise();
        Future<CampaignOutcome> first = gatedService.campaign(election, "b", 0, gone.future());
        assertThat(gated.entered[0].await(10, TimeUnit.SECONDS)).isTrue();
        gone.complete(); // the client timed out while the engine was slow
        assertThatThrownBy(() -> result(first)).hasMessageContaining("connection closed");
        Future<CampaignOutcome> retry = gatedService.campaign(election, "b", 0); // and sent the campaign again
        assertThat(gated.entered[1].await(10, TimeUnit.SECONDS)).isTrue();
        gated.gates[0].countDown(); // the first takes term 1; giving it back waits
        assertThat(gated.releaseEntered.await(10, TimeUnit.SECONDS)).isTrue();
        gated.gates[1].countDown(); // the retry renews term 1 before it is given back
        assertThat(gated.exited.await(10, TimeUnit.SECONDS)).isTrue();
        gated.releaseGate.countDown();
        CampaignOutcome outcome = result(retry);
        // Before, the retry answered "elected in term 1", and the release then freed term 1 under it.
        assertThat(outcome.lease().orElseThrow().term()).isEqualTo(2);
        assertThat(engine.read(election).holder()).isEqualTo("b");
        assertThat(engine.read(election).term()).isEqualTo(2);
    }

    /** The engine with its first two acquisitions and its releases each held until the test lets them go. */
    private static final class Gated implements LeaseEngine {
        final LeaseEngine inner;
        final CountDownLatch[] entered = {new CountDownLatch(1), new CountDownLatch(1)};
        final CountDownLatch[] gates = {new CountDownLatch(1), new CountDownLatch(1)};
        final CountDownLatch exited = new CountDownLatch(1);
        final CountDownLatch releaseEntered = new CountDownLatch(1);
        final CountDownLatch releaseGate = new CountDownLatch(1);
        final AtomicInteger acquisitions = new AtomicInteger();
        /** When set, reads wait on it (after counting down {@link #readEntered}); none by default. */
        volatile CountDownLatch readGate;
        final CountDownLatch readEntered = new CountDownLatch(1);
        /** When set, renews wait on it once the engine has renewed (after counting down {@link #renewDone}). */
        volatile CountDownLatch renewGate;
        final CountDownLatch renewDone = new CountDownLatch(1);
        final Set<String> forgotten = ConcurrentHashMap.newKeySet();

        Gated(LeaseEngine inner) {
            this.inner = inner;
        }

        @Override
        public AcquireResult tryAcquire(String election, String candidate, Duration leaseDuration) {
            int n = acquisitions.getAndIncrement();
            if (n >= 2) {
                return inner.tryAcquire(election, candidate, leaseDuration);
            }
            entered[n].countDown();
            pass(gates[n]);
            AcquireResult result = inner.tryAcquire(election, candidate, leaseDuration);
            if (n == 1) {
                exited.countDown();
            }
            return result;
        }

        @Override
        public ReleaseOutcome release(String election, String candidate, long term) {
            releaseEntered.countDown();
            pass(releaseGate);
            return inner.release(election, candidate, term);
        }

        private static void pass(CountDownLatch gate) {
            try {
                assertThat(gate.await(30, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Optional<LeaseRecord> renew(String election, String candidate, long term, Duration leaseDuration) {
            Optional<LeaseRecord> renewed = inner.renew(election, candidate, term, leaseDuration);
            CountDownLatch gate = renewGate;
            if (gate != null) {
                renewDone.countDown();
                pass(gate);
            }
            return renewed;
        }

        @Override
        public LeaseRecord read(String election) {
            CountDownLatch gate = readGate;
            if (gate != null) {
                readEntered.countDown();
                pass(gate);
            }
            return inner.read(election);
        }

        @Override
        public void forget(String election) {
            forgotten.add(election);
            inner.forget(election);
        }

        @Override
        public void ping() {
            inner.ping();
        }

        @Override
        public boolean reportsExternalChanges() {
            return inner.reportsExternalChanges();
        }

        @Override
        public void onExternalChange(Consumer<String> listener) {
            inner.onExternalChange(listener);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void lookingAtElectionsNoOneHeldAddsNoSeries() {
        for (int i = 0; i < 50; i++) {
            assertThat(result(service.observe(election + "-unheld-" + i)).lease().term()).isZero();
        }
        assertThat(registry.find(LeaderMetrics.TERM).gauges()).isEmpty();
        elect("a");
        assertThat(result(service.observe(election)).lease().term()).isEqualTo(1);
        assertThat(registry.find(LeaderMetrics.TERM).gauges()).singleElement()
                .satisfies(g -> assertThat(g.value()).isEqualTo(1.0));
    }

    @Test
    void electionsNobodyUsesAnyMoreAreForgottenWithTheirSeries() {
        for (int i = 0; i < 20; i++) {
            String madeUp = election + "-made-up-" + i;
            result(service.observe(madeUp));
            assertLeaseLost(() -> result(service.renew(madeUp, "x", 3)));
            assertLeaseLost(() -> result(service.resign(madeUp, "x", 1)));
            result(service.watch(new WatchRequest(madeUp, 0, null, 1, null, false), Promise.<Void>promise().future()));
        }
        elect("a");
        assertThat(result(service.resign(election, "a", 1))).isTrue();
        assertThat(service.electionsHeld()).isEqualTo(21);
        assertThat(leaderSeries()).isNotEmpty();

        advance(LeaderService.FORGET_AFTER.minusSeconds(1));
        result(service.observe(election + "-fresh"));
        assertThat(service.electionsHeld()).as("not before the period").isEqualTo(22);
        advance(Duration.ofSeconds(2));
        result(service.observe(election + "-fresh"));
        assertThat(service.electionsHeld()).isEqualTo(1);
        assertThat(leaderSeries()).as("the forgotten elections' series are gone").isEmpty();
        assertThat(elect("a").term()).as("the engine's terms are untouched").isEqualTo(2);
        assertThat(count(LeaderMetrics.ACQUISITIONS, "election", election)).as("counting starts again").isEqualTo(1.0);
    }

    @Test
    void anElectionHeldWaitedOnOrWithACallUnderWayIsNeverForgotten() throws Exception {
        Gated gated = new Gated(engine);
        gated.releaseGate.countDown();
        gated.gates[1].countDown();
        LeaderService gatedService = new LeaderService(vertx, gated, TIMING, nanos::get, new LeaderMetrics(registry));
        String underWay = election + "-under-way";
        String held = election + "-held";
        String watched = election + "-watched";
        Future<CampaignOutcome> slow = gatedService.campaign(underWay, "a", 0);
        assertThat(gated.entered[0].await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(result(gatedService.campaign(held, "h", 0)).elected()).isTrue();
        Future<Observation> watch = gatedService.watch(new WatchRequest(watched, 0, null, 15_000, null, false),
                Promise.<Void>promise().future());
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !watch.isComplete());
        String idle = election + "-idle";
        result(gatedService.observe(idle));

        advance(LeaderService.FORGET_AFTER.plusMinutes(1));
        result(gatedService.observe(election + "-other"));
        assertThat(gatedService.electionsHeld()).isEqualTo(4);
        assertThat(gated.forgotten).as("the engine is told of the idle one only").containsExactly(idle);
        assertThat(registry.find(LeaderMetrics.TERM).tag("election", held).gauge()).isNotNull();

        gated.gates[0].countDown();
        assertThat(result(slow).elected()).isTrue();
        result(gatedService.drain());
        assertThat(engine.read(underWay).holder()).as("the term won by the call under way is released on drain").isNull();
        assertThat(engine.read(held).holder()).isNull();
    }

    private java.util.List<io.micrometer.core.instrument.Meter> leaderSeries() {
        return registry.getMeters().stream().filter(m -> m.getId().getName().startsWith("patternkit.leader")).toList();
    }

    @Test
    void aCampaignThatWaitsInVainReportsTheLeader() {
        elect("a");
        CampaignOutcome outcome = result(service.campaign(election, "b", 200));
        assertThat(outcome.elected()).isFalse();
        assertThat(outcome.observed().holder()).isEqualTo("a");
        assertThat(outcome.observed().term()).isEqualTo(1);
    }

    @Test
    void aWatchAnswersAtOnceWhenItsViewIsStaleAndOtherwiseOnTheNextChange() {
        Observation stale = result(service.watch(new WatchRequest(election, 0, "x", 10_000, null, false), Promise.<Void>promise().future()));
        assertThat(stale.changed()).isTrue();
        assertThat(stale.lease().holder()).isNull();

        Future<Observation> watch = service.watch(new WatchRequest(election, 0, null, 15_000, null, false),
                Promise.<Void>promise().future());
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !watch.isComplete());
        elect("a");
        Observation changed = result(watch);
        assertThat(changed.changed()).isTrue();
        assertThat(changed.lease().holder()).isEqualTo("a");
        assertThat(changed.lease().term()).isEqualTo(1);

        Future<Observation> next = service.watch(new WatchRequest(election, 1, "a", 15_000, null, false),
                Promise.<Void>promise().future());
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !next.isComplete());
        result(service.resign(election, "a", 1));
        Observation released = result(next);
        assertThat(released.changed()).isTrue();
        assertThat(released.lease().holder()).isNull();
        assertThat(released.lease().term()).isEqualTo(1);
    }

    @Test
    void aWatchWithoutChangeAnswersUnchangedAfterItsWait() {
        elect("a");
        long start = System.nanoTime();
        Observation same = result(service.watch(new WatchRequest(election, 1, "a", 300, null, false),
                Promise.<Void>promise().future()));
        assertThat(same.changed()).isFalse();
        assertThat(same.lease().holder()).isEqualTo("a");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aDisconnectedHoldersWatchReleasesItsLeaseAtOnce() {
        elect("a");
        Future<CampaignOutcome> waiting = service.campaign(election, "b", 15_000);
        Promise<Void> connection = Promise.promise();
        Future<Observation> watch = service.watch(new WatchRequest(election, 1, "a", 15_000, "a", true), connection.future());
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !watch.isComplete());
        connection.complete();
        CampaignOutcome outcome = result(waiting);
        assertThat(outcome.elected()).isTrue();
        assertThat(outcome.lease().orElseThrow().term()).isEqualTo(2);
        assertThat(count(LeaderMetrics.RELEASES, "election", election, "reason", "disconnect")).isEqualTo(1.0);
    }

    @Test
    void aDisconnectedWatchOfAnOldTermNeverReleasesTheNewOneItsCandidateHolds() throws Exception {
        Gated gated = new Gated(engine);
        gated.releaseGate.countDown();
        gated.gates[0].countDown();
        gated.gates[1].countDown();
        LeaderService gatedService = new LeaderService(vertx, gated, TIMING, nanos::get, new LeaderMetrics(registry));
        assertThat(result(gatedService.campaign(election, "a", 0)).lease().orElseThrow().term()).isEqualTo(1);
        Promise<Void> connection = Promise.promise();
        Future<Observation> oldWatch = gatedService.watch(new WatchRequest(election, 1, "a", 15_000, "a", true),
                connection.future());
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !oldWatch.isComplete());
        CountDownLatch reading = new CountDownLatch(1);
        gated.readGate = reading; // the term-1 watch's look after the resign waits
        assertThat(result(gatedService.resign(election, "a", 1))).isTrue();
        assertThat(gated.readEntered.await(10, TimeUnit.SECONDS)).isTrue();
        gated.readGate = null;
        assertThat(result(gatedService.campaign(election, "a", 0)).lease().orElseThrow().term()).isEqualTo(2);
        connection.complete(); // the app drops its old watch, now that it leads in term 2
        reading.countDown();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> engine.read(election).holder() != null);
        assertThat(engine.read(election).holder()).isEqualTo("a");
        assertThat(engine.read(election).term()).isEqualTo(2);
    }

    @Test
    void aWatchThatWasAnsweredNeverReleasesWhenItsConnectionClosesLater() {
        elect("a");
        Promise<Void> connection = Promise.promise();
        Observation answered = result(service.watch(new WatchRequest(election, 1, "a", 100, "a", true), connection.future()));
        assertThat(answered.changed()).isFalse();
        connection.complete();
        Promise<Void> other = Promise.promise();
        Future<Observation> stillLed = service.watch(new WatchRequest(election, 1, "a", 1_000, null, false), other.future());
        assertThat(result(stillLed).changed()).as("nobody released the lease").isFalse();
        assertThat(engine.read(election).holder()).isEqualTo("a");
    }

    @Test
    void aDisconnectedWatchOfANonHolderReleasesNothing() {
        elect("a");
        Promise<Void> connection = Promise.promise();
        Future<Observation> watch = service.watch(new WatchRequest(election, 1, "a", 15_000, "b", true), connection.future());
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !watch.isComplete());
        connection.complete();
        assertThat(result(service.watch(new WatchRequest(election, 1, "a", 500, null, false), Promise.<Void>promise().future()))
                .changed()).isFalse();
        assertThat(engine.read(election).holder()).isEqualTo("a");
    }

    @Test
    void aRenewWhileTheSidecarDrainsIsRefusedAsLostNotGrantedMoreTime() throws Exception {
        GatedLeader a = gatedLeader();
        Future<Void> drain = a.service.drain();
        assertThat(a.gated.releaseEntered.await(10, TimeUnit.SECONDS)).isTrue(); // the drain's release is under way
        assertLeaseLost(() -> result(a.service.renew(election, "a", a.term)));
        a.drainsTheLease(drain, election);
    }

    @Test
    void aRenewTheEngineGrantedAsTheDrainBeganIsAnsweredLostNotGrantedMoreTime() throws Exception {
        GatedLeader a = gatedLeader();
        a.gated.renewGate = new CountDownLatch(1);
        Future<Lease> renew = a.service.renew(election, "a", a.term);
        assertThat(a.gated.renewDone.await(10, TimeUnit.SECONDS)).isTrue(); // renewed in the engine, not yet answered
        Future<Void> drain = a.service.drain();
        assertThat(a.gated.releaseEntered.await(10, TimeUnit.SECONDS)).isTrue(); // the drain's release is under way
        a.gated.renewGate.countDown();
        assertLeaseLost(() -> result(renew));
        a.drainsTheLease(drain, election);
    }

    /** Candidate {@code a} elected through a service on a {@link Gated} engine whose releases wait for the test. */
    private GatedLeader gatedLeader() {
        Gated gated = new Gated(engine);
        gated.gates[0].countDown();
        LeaderService gatedService = new LeaderService(vertx, gated, TIMING, nanos::get, new LeaderMetrics(registry));
        return new GatedLeader(gated, gatedService, result(gatedService.campaign(election, "a", 0)).lease().orElseThrow()
                .term());
    }

    private record GatedLeader(Gated gated, LeaderService service, long term) {
        /** Lets the drain's release through and checks that it gave the election's lease back. */
        void drainsTheLease(Future<Void> drain, String election) {
            gated.releaseGate.countDown();
            result(drain);
            assertThat(gated.inner.read(election).holder()).isNull();
        }
    }

    @Test
    void drainReleasesEveryHeldLeaseAndAnswersWaiters() {
        elect("a");
        String other = "o-" + UUID.randomUUID();
        assertThat(result(service.campaign(other, "c", 0)).elected()).isTrue();
        Future<CampaignOutcome> waiting = service.campaign(election, "b", 15_000);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !waiting.isComplete());
        long start = System.nanoTime();
        result(service.drain());
        assertThat(engine.read(election).holder()).isNull();
        assertThat(engine.read(other).holder()).isNull();
        assertThat(result(waiting).elected()).isIn(true, false);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(count(LeaderMetrics.RELEASES, "election", election, "reason", "drain")).isEqualTo(1.0);
        assertThat(count(LeaderMetrics.RELEASES, "election", other, "reason", "drain")).isEqualTo(1.0);
    }

    @Test
    void aDrainedSidecarGrantsNoLease() {
        result(service.drain());
        assertThat(result(service.campaign(election, "late", 0)).elected()).isFalse();
        assertThat(engine.read(election).holder()).isNull();
    }

    @Test
    void theSidecarsOwnCandidateCampaignsAndRenewsOnItsOwn() {
        service.campaignContinuously(election, "self");
        await().atMost(Duration.ofSeconds(5)).until(() -> "self".equals(engine.read(election).holder()));
        assertThat(count(LeaderMetrics.ACQUISITIONS, "election", election)).isEqualTo(1.0);
    }
}

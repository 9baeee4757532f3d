package io.patternkit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.patternkit.core.ConflictException;
import io.patternkit.core.SidecarUnavailableException;
import io.patternkit.leader.CampaignResult;
import io.patternkit.leader.LeaderElection;
import io.patternkit.leader.LeaderMetrics;
import io.patternkit.leader.LeaderObservation;
import io.patternkit.leader.Leadership;
import io.patternkit.leader.LeadershipContext;
import io.patternkit.leader.LeadershipListener;
import io.patternkit.leader.Lease;
import io.patternkit.leader.LeaseLostException;
import io.patternkit.leader.RevocationReason;
import io.patternkit.protocol.ProblemType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link Leadership} handle on {@link InMemoryLeaderElection} and a {@link ManualClock}: time moves only
 * when a test advances it, so renew times and the renew deadline are checked to the millisecond without
 * waiting. Timings: lease 15 s, renew deadline 10 s, retry period 2 s (client-go's defaults).
 */
class LeadershipTest {
    private static final String E = "jobs";
    private static final Duration AWAIT = Duration.ofSeconds(10);

    private final ManualClock clock = new ManualClock();
    private final InMemoryLeaderElection fake = InMemoryLeaderElection.builder().clock(clock).build();
    private final Scripted scripted = new Scripted(fake);
    private final List<Leadership> handles = new ArrayList<>();

    @AfterEach
    void closeAll() {
        handles.forEach(Leadership::close);
    }

    private Leadership start(String candidate, Recorder recorder) {
        return start(candidate, recorder, new SimpleMeterRegistry());
    }

    private Leadership start(String candidate, Recorder recorder, SimpleMeterRegistry registry) {
        Leadership l = Leadership.builder(scripted).election(E).candidateId(candidate).clock(clock).listener(recorder)
                .meterRegistry(registry).build();
        handles.add(l);
        return l.start();
    }

    private static LeadershipContext leader(Leadership l) throws InterruptedException {
        return l.awaitLeadership(AWAIT).orElseThrow(() -> new AssertionError(l + " not elected"));
    }

    @Test
    void aWinThatArrivesAsTheHandleClosesIsGivenBackBeforeCloseReturns() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        scripted.campaignGate = answer;
        scripted.resignFailsWhenInterrupted = true;
        Leadership a = start("a", new Recorder());
        await().atMost(AWAIT).until(() -> !scripted.campaigns.isEmpty());
        Thread closing = new Thread(() -> {
            Thread.currentThread().interrupt(); // a caller already interrupted closes all the same
            a.close();
        }, "closing");
        closing.start();
        await().atMost(AWAIT).until(() -> scripted.interruptedWhileCampaigning);
        answer.countDown(); // the sidecar's "elected" was already on its way when close() began
        closing.join(AWAIT.toMillis());
        assertThat(closing.isAlive()).isFalse();
        assertThat(scripted.resigns).containsExactly("a");
        assertThat(fake.currentLeader(E).hasLeader()).isFalse();
    }

    @Test
    void renewsEveryRetryPeriodFromTheLease() throws Exception {
        Leadership a = start("a", new Recorder());
        Instant t0 = clock.instant();
        LeadershipContext ctx = leader(a);
        assertThat(ctx.term()).isEqualTo(1);
        assertThat(a.fencingToken()).hasValue(ctx.fencingToken());
        for (int i = 1; i <= 3; i++) {
            clock.advance(Duration.ofSeconds(1));
            clock.advance(Duration.ofSeconds(1));
            int renews = i;
            await().atMost(AWAIT).until(() -> scripted.renews.size() == renews);
        }
        assertThat(scripted.renews).containsExactly(t0.plusSeconds(2), t0.plusSeconds(4), t0.plusSeconds(6));
        assertThat(a.isLeader()).isTrue();
        assertThat(a.currentLease().orElseThrow().term()).isEqualTo(1);
        // well past the first lease's duration, still leader thanks to the renewals
        assertThat(fake.currentLeader(E).leader()).contains("a");
    }

    @Test
    void stepsDownExactlyAtSendTimePlusValidForWhenRenewsKeepFailing() throws Exception {
        // The campaign's answer "arrives" 3 s after it was sent and the renew that would time the term from the
        // win fails: the deadline counts from the campaign's send time.
        scripted.campaignAnswerTakes = Duration.ofSeconds(3);
        scripted.renewFailure = () -> new SidecarUnavailableException("engine down", 503, null, null, null);
        Recorder events = new Recorder();
        Instant sent = clock.instant();
        Leadership a = start("a", events);
        LeadershipContext ctx = leader(a);
        scripted.campaignAnswerTakes = Duration.ZERO;
        scripted.campaignFailure = () -> new SidecarUnavailableException("engine down", 503, null, null, null);
        Instant deadline = sent.plus(fake.renewDeadline());
        assertThat(clock.instant()).isEqualTo(sent.plusSeconds(3));
        // the renew right after the win goes at once; then one every retry period
        await().atMost(AWAIT).until(() -> scripted.renewAttempts.size() == 1);
        for (int attempt = 2; attempt <= 4; attempt++) {
            clock.advance(Duration.ofSeconds(2));
            int attempts = attempt;
            await().atMost(AWAIT).until(() -> scripted.renewAttempts.size() == attempts);
        }
        assertThat(scripted.renewAttempts).containsExactly(sent.plusSeconds(3), sent.plusSeconds(5),
                sent.plusSeconds(7), sent.plusSeconds(9));
        clock.advance(Duration.between(clock.instant(), deadline).minusMillis(1));
        assertThat(a.isLeader()).as("1 ms before the deadline").isTrue();
        assertThat(ctx.isValid()).isTrue();
        assertThat(events.names()).doesNotContain("revoked");
        clock.advance(Duration.ofMillis(1));
        assertThat(a.isLeader()).as("at the deadline, whatever the threads did").isFalse();
        assertThat(ctx.isValid()).isFalse();
        await().atMost(AWAIT).until(() -> events.revocations.contains(RevocationReason.RENEW_DEADLINE_PASSED));
        assertThat(ctx.revokedFuture().join()).isEqualTo(RevocationReason.RENEW_DEADLINE_PASSED);
        // the engine's lease could not have expired yet: nobody else was elected meanwhile
        assertThat(clock.instant()).isBefore(sent.plus(fake.leaseDuration()));
    }

    @Test
    void aTermWonAtTheEndOfALongPollCountsFromTheWinNotFromTheSend() throws Exception {
        // The sidecar held the campaign (someone else led) for longer than a whole renew deadline before it
        // acquired the lease: timed from the campaign's send, the new term would be over before it began.
        Duration held = fake.renewDeadline().plusSeconds(1);
        scripted.campaignWaitsBeforeWinning = held;
        Recorder events = new Recorder();
        Instant sent = clock.instant();
        Leadership a = start("a", events);
        LeadershipContext ctx = leader(a);
        scripted.campaignWaitsBeforeWinning = Duration.ZERO;
        assertThat(scripted.renews).as("a renew right after the win times the term").containsExactly(sent.plus(held));
        assertThat(a.isLeader()).isTrue();
        assertThat(ctx.isValid()).isTrue();
        clock.advance(fake.renewDeadline().minusMillis(1));
        assertThat(ctx.isValid()).as("valid until the renew deadline after the win").isTrue();
        assertThat(events.names()).doesNotContain("revoked");
    }

    @Test
    void aCampaignWonSoonAfterItsSendIsAnnouncedWithoutWaitingForARenew() throws Exception {
        // Won 1 s after the send (less than half the renew deadline, less than the retry period): the term is
        // timed from the send and renewed on the usual schedule, so no confirming renew delays the failover.
        Duration held = Duration.ofSeconds(1);
        scripted.campaignWaitsBeforeWinning = held;
        Instant sent = clock.instant();
        Leadership a = start("a", new Recorder());
        LeadershipContext ctx = leader(a);
        scripted.campaignWaitsBeforeWinning = Duration.ZERO;
        assertThat(scripted.renewAttempts).as("announced before any renew").isEmpty();
        assertThat(ctx.isValid()).isTrue();
        clock.advance(fake.retryPeriod().minus(held));
        await().atMost(AWAIT).until(() -> scripted.renews.size() == 1);
        assertThat(scripted.renews).as("first renew one retry period after the send").containsExactly(
                sent.plus(fake.retryPeriod()));
        assertThat(a.isLeader()).isTrue();
    }

    @Test
    void aNewHandleCampaignsBrieflyUntilItHasSeenTheLeaseDuration() throws Exception {
        // A first campaign parked for the configured 20 s and won late in that wait would need a confirming renew
        // before the win could be announced. Until it knows the lease duration (here from its first campaign's
        // answer: its watch is held back), a new handle waits 100 ms, then a quarter of the lease duration.
        Leadership a = start("a", new Recorder());
        leader(a);
        CountDownLatch watchGate = new CountDownLatch(1);
        scripted.watchGate = watchGate;
        try {
            start("b", new Recorder());
            await().atMost(AWAIT).until(() -> scripted.campaigns.stream().filter(c -> c.startsWith("b ")).count() >= 2);
        } finally {
            watchGate.countDown();
        }
        assertThat(scripted.campaigns).startsWith("a 100 ms", "b 100 ms",
                "b " + fake.leaseDuration().dividedBy(4).toMillis() + " ms");
    }

    @Test
    void stepsDownAtOnceOnLeaseLost() throws Exception {
        Recorder events = new Recorder();
        Leadership a = start("a", events);
        LeadershipContext ctx = leader(a);
        scripted.renewFailure = () -> new LeaseLostException("renewLeadership", new ConflictException("conflict (409)",
                ProblemType.LEASE_LOST.uri(), null));
        clock.advance(Duration.ofSeconds(2));
        await().atMost(AWAIT).until(() -> events.revocations.contains(RevocationReason.LEASE_LOST));
        assertThat(ctx.isValid()).isFalse();
        assertThat(ctx.revokedFuture().join()).isEqualTo(RevocationReason.LEASE_LOST);
        assertThat(clock.instant()).isBefore(ctx.lease().acquiredAt().plus(fake.renewDeadline()));
    }

    @Test
    void stepsDownAtOnceWhenAWatchShowsAnotherHolder() throws Exception {
        Recorder events = new Recorder();
        Leadership a = start("a", events);
        LeadershipContext ctx = leader(a);
        // Someone with a's credentials resigns behind its back and b wins: no time passes, no renew happens. The
        // gate holds a's answer to any campaign it starts on seeing the empty lease until b has won.
        CountDownLatch bWon = new CountDownLatch(1);
        scripted.campaignGate = bWon;
        try {
            fake.resign(ctx.lease());
            assertThat(fake.becomeLeader(E, "b", Duration.ZERO).elected()).isTrue();
        } finally {
            bWon.countDown();
        }
        await().atMost(AWAIT).until(() -> events.revocations.contains(RevocationReason.LEADER_CHANGED));
        assertThat(a.isLeader()).isFalse();
        assertThat(scripted.renews).isEmpty();
        await().atMost(AWAIT).until(() -> events.observed.stream().anyMatch(o -> o.isLeader("b")));
    }

    @Test
    void isLeaderTurnsFalseAtTheDeadlineEvenWhileTheEventThreadIsBusy() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Recorder events = new Recorder() {
            @Override
            public void elected(LeadershipContext context) {
                super.elected(context);
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        scripted.renewFailure = () -> new SidecarUnavailableException("down", 0, null, null, null);
        Leadership a = start("a", events);
        LeadershipContext ctx = leader(a);
        await().atMost(AWAIT).until(() -> events.names().contains("elected")); // the event thread is now busy
        scripted.campaignFailure = () -> new SidecarUnavailableException("down", 0, null, null, null);
        clock.advance(fake.renewDeadline());
        assertThat(a.isLeader()).isFalse();
        assertThat(a.currentLease()).isEmpty();
        assertThat(a.fencingToken()).isEmpty();
        CompletableFuture<RevocationReason> revoked = ctx.revokedFuture();
        await().atMost(AWAIT).until(revoked::isDone);
        assertThat(events.names()).as("revoked waits for the busy event thread").containsExactly("elected");
        release.countDown();
        await().atMost(AWAIT).until(() -> events.names().contains("revoked"));
    }

    @Test
    void eventsArriveInOrderOnOneThreadPerHandle() throws Exception {
        Recorder ea = new Recorder();
        Recorder eb = new Recorder();
        Leadership a = start("a", ea);
        leader(a);
        Leadership b = start("b", eb);
        await().atMost(AWAIT).until(() -> eb.observed.stream().anyMatch(o -> o.isLeader("a")));
        a.close();
        assertThat(ea.names()).containsExactly("elected", "observed:a", "revoked");
        assertThat(ea.revocations).containsExactly(RevocationReason.CLOSED);
        LeadershipContext bCtx = leader(b);
        assertThat(bCtx.fencingToken()).isGreaterThan(ea.contexts.get(0).fencingToken());
        await().atMost(AWAIT).until(() -> eb.names().contains("observed:b"));
        List<String> bNames = eb.names();
        assertThat(bNames.indexOf("observed:a")).isLessThan(bNames.indexOf("elected"));
        assertThat(bNames.indexOf("elected")).isLessThan(bNames.indexOf("observed:b"));
        assertThat(ea.threads).hasSize(1).allMatch(t -> t.equals("patternkit-leader-jobs-events"));
        assertThat(eb.threads).hasSize(1);
    }

    @Test
    void aLeaderWhoseElectedCallbackThrowsStepsDownSoAnotherCandidateLeadsAndItselfCampaignsAgainLater() throws Exception {
        AtomicInteger failuresLeft = new AtomicInteger(1);
        Recorder events = new Recorder() {
            @Override
            public void elected(LeadershipContext context) {
                super.elected(context);
                if (failuresLeft.getAndDecrement() > 0) {
                    throw new IllegalStateException("the checkpoint could not be restored");
                }
            }
        };
        Leadership a = start("a", events);
        await().atMost(AWAIT).until(() -> events.revocations.contains(RevocationReason.ELECTED_CALLBACK_FAILED));
        await().atMost(AWAIT).until(() -> scripted.resigns.contains("a"));
        assertThat(fake.currentLeader(E).isLeader("a")).as("the lease is given up, not held idle").isFalse();
        Leadership b = start("b", new Recorder());
        assertThat(b.awaitLeadership(AWAIT)).as("another candidate leads at once").isPresent();
        b.close();
        clock.advance(Duration.ofSeconds(60)); // past the backoff: a campaigns again, and its callback now succeeds
        assertThat(a.awaitLeadership(AWAIT)).isPresent();
        // The handle is leader before its event thread has told the listener.
        await().atMost(AWAIT).untilAsserted(
                () -> assertThat(events.names()).containsSubsequence("elected", "revoked", "elected"));
    }

    @Test
    void anElectedCallbackThatKeepsFailingWaitsLongerBeforeEachNewCampaign() {
        Recorder events = new Recorder() {
            @Override
            public void elected(LeadershipContext context) {
                super.elected(context);
                throw new IllegalStateException("the checkpoint sidecar is down");
            }
        };
        start("a", events);
        await().atMost(AWAIT).until(() -> scripted.resigns.size() == 1);
        clock.advance(Duration.ofMillis(100)); // the first backoff
        await().atMost(AWAIT).until(() -> scripted.resigns.size() == 2);
        assertThat(scripted.campaigns).hasSize(2);
        clock.advance(Duration.ofMillis(100)); // half the second, which doubled: no campaign yet
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> scripted.campaigns.size() == 2);
        clock.advance(Duration.ofMillis(100));
        await().atMost(AWAIT).until(() -> scripted.campaigns.size() == 3);
    }

    @Test
    void aLeaderClosedOnAnInterruptedThreadStillResignsAndTheInterruptIsKept() throws Exception {
        scripted.resignFailsWhenInterrupted = true;
        Leadership a = start("a", new Recorder());
        leader(a);
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread closing = new Thread(() -> {
            Thread.currentThread().interrupt(); // a close() in a finally after catching an InterruptedException
            a.close();
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        }, "closing");
        closing.start();
        closing.join(AWAIT.toMillis());
        assertThat(closing.isAlive()).isFalse();
        assertThat(scripted.resigns).as("the successor need not wait out the lease").containsExactly("a");
        assertThat(stillInterrupted).isTrue();
    }

    @Test
    void closeStepsDownResignsAndAFollowerTakesOverAtOnce() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<io.micrometer.core.instrument.Meter> removed = new java.util.concurrent.CopyOnWriteArrayList<>();
        registry.config().onMeterRemoved(removed::add);
        Recorder events = new Recorder();
        Leadership a = start("a", events, registry);
        leader(a);
        assertThat(registry.get(LeaderMetrics.IS_LEADER).gauge().value()).isEqualTo(1.0);
        assertThat(registry.get(LeaderMetrics.ELECTIONS_WON).counter().count()).isEqualTo(1.0);
        Leadership b = start("b", new Recorder());
        a.close();
        assertThat(a.isLeader()).isFalse();
        assertThat(events.revocations).containsExactly(RevocationReason.CLOSED);
        assertThat(registry.getMeters()).as("a closed handle leaves no series behind").isEmpty();
        assertThat(removed).filteredOn(m -> m.getId().getName().equals(LeaderMetrics.REVOCATIONS)).singleElement()
                .satisfies(m -> assertThat(m.getId().getTag(LeaderMetrics.TAG_REASON)).isEqualTo("closed"))
                .satisfies(m -> assertThat(((io.micrometer.core.instrument.Counter) m).count()).isEqualTo(1.0));
        assertThat(fake.currentLeader(E).isLeader("a")).as("resigned").isFalse();
        assertThat(b.awaitLeadership(AWAIT)).as("b elected without any time passing").isPresent();
        assertThat(scripted.resigns).containsExactly("a");
    }

    /** Micrometer keeps the gauge the first handle registered: it must not go on reporting that handle once closed. */
    @Test
    void theIsLeaderGaugeOfTwoHandlesInOneRegistryFollowsWhicheverLeads() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Leadership a = start("a", new Recorder(), registry);
        leader(a);
        Leadership b = start("b", new Recorder(), registry);
        assertThat(registry.get(LeaderMetrics.IS_LEADER).gauge().value()).isEqualTo(1.0);
        a.close();
        leader(b);
        assertThat(registry.get(LeaderMetrics.IS_LEADER).gauge().value()).isEqualTo(1.0);
        b.close();
        assertThat(registry.find(LeaderMetrics.IS_LEADER).gauge()).isNull();
    }

    @Test
    void aHandleTheApplicationClosesLeavesItsLifecycle() throws Exception {
        io.patternkit.lifecycle.Lifecycle lifecycle = io.patternkit.lifecycle.Lifecycle.create();
        Leadership a = Leadership.builder(scripted).election(E).candidateId("a").clock(clock).lifecycle(lifecycle).build();
        handles.add(a);
        leader(a.start());
        assertThat(lifecycle.info()).containsOnlyKeys("leadership of " + E);
        a.close();
        assertThat(lifecycle.info()).isEmpty();
        assertThat(lifecycle.drain(Duration.ofSeconds(1)).steps()).isEmpty();
    }

    @Test
    void aHandleBuiltWhenItsLifecycleIsDrainingLeavesNoMetersBehind() {
        io.patternkit.lifecycle.Lifecycle draining = io.patternkit.lifecycle.Lifecycle.create();
        draining.drain(Duration.ofSeconds(1));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        assertThatThrownBy(() -> Leadership.builder(scripted).election(E).candidateId("a").clock(clock)
                .meterRegistry(registry).lifecycle(draining).build()).isInstanceOf(IllegalStateException.class);
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void theLeadersWatchIsAlwaysOpenSoItsDeathReleasesTheLeaseAtOnce() throws Exception {
        Recorder events = new Recorder();
        Leadership a = start("a", events);
        leader(a);
        Leadership b = start("b", new Recorder());
        // a's watch may sit in a backoff pause on the manual clock (a busy machine can fail its first poll):
        // let fake time pass in small steps, far below the 15 s lease, until the watch is open to be cut
        await().atMost(AWAIT).pollInterval(Duration.ofMillis(10)).until(() -> {
            if (fake.disconnect("a") > 0) {
                return true;
            }
            clock.advance(Duration.ofMillis(10));
            return false;
        });
        assertThat(b.awaitLeadership(AWAIT)).as("b elected without waiting for the lease to expire").isPresent();
        // a's watch failed; it re-polls 100 ms (its first backoff) after that watch was sent, long before a renew
        await().atMost(AWAIT).pollInterval(Duration.ofMillis(10)).until(() -> {
            clock.advance(Duration.ofMillis(10));
            return !events.revocations.isEmpty();
        });
        assertThat(events.revocations).containsExactly(RevocationReason.LEADER_CHANGED);
    }

    /** Records events and the threads they arrive on. */
    private static class Recorder implements LeadershipListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final List<RevocationReason> revocations = new CopyOnWriteArrayList<>();
        final List<LeaderObservation> observed = new CopyOnWriteArrayList<>();
        final List<LeadershipContext> contexts = new CopyOnWriteArrayList<>();

        private void on(String event) {
            events.add(event);
            String t = Thread.currentThread().getName();
            if (!threads.contains(t)) {
                threads.add(t);
            }
        }

        List<String> names() {
            return List.copyOf(events);
        }

        @Override
        public void elected(LeadershipContext context) {
            contexts.add(context);
            on("elected");
        }

        @Override
        public void revoked(LeadershipContext context, RevocationReason reason) {
            revocations.add(reason);
            on("revoked");
        }

        @Override
        public void leaderObserved(LeaderObservation observation) {
            observed.add(observation);
            on("observed:" + observation.leader().orElse(""));
        }
    }

    /** Delegates to the fake, records calls, and fails or slows them on demand. */
    private final class Scripted implements LeaderElection {
        private final LeaderElection delegate;
        final List<Instant> renews = new CopyOnWriteArrayList<>();
        final List<Instant> renewAttempts = new CopyOnWriteArrayList<>();
        final List<String> resigns = new CopyOnWriteArrayList<>();
        volatile Supplier<RuntimeException> renewFailure;
        volatile Supplier<RuntimeException> campaignFailure;
        volatile Duration campaignAnswerTakes = Duration.ZERO;
        volatile Duration campaignWaitsBeforeWinning = Duration.ZERO;
        /** Each campaign's candidate and long-poll wait, in send order. */
        final List<String> campaigns = new CopyOnWriteArrayList<>();
        /** When set, a follower's watch blocks until it opens. */
        volatile CountDownLatch watchGate;
        /** When set, a campaign's answer waits until it opens, whatever interrupts (as an answer already on its way). */
        volatile CountDownLatch campaignGate;
        volatile boolean interruptedWhileCampaigning;
        /** Whether a resign on an interrupted thread fails, as an HTTP client's call does. */
        volatile boolean resignFailsWhenInterrupted;

        Scripted(LeaderElection delegate) {
            this.delegate = delegate;
        }

        @Override
        public CampaignResult becomeLeader(String election, String candidateId, Duration wait) {
            campaigns.add(candidateId + " " + wait.toMillis() + " ms");
            Supplier<RuntimeException> failure = campaignFailure;
            if (failure != null) {
                throw failure.get();
            }
            if (!campaignWaitsBeforeWinning.isZero()) {
                clock.advance(campaignWaitsBeforeWinning);
            }
            CountDownLatch gate = campaignGate;
            boolean interrupted = false;
            while (gate != null) {
                try {
                    gate.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    interruptedWhileCampaigning = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            CampaignResult r = delegate.becomeLeader(election, candidateId, wait);
            if (r.elected() && !campaignAnswerTakes.isZero()) {
                clock.advance(campaignAnswerTakes);
            }
            return r;
        }

        @Override
        public CompletableFuture<CampaignResult> becomeLeaderAsync(String election, String candidateId,
                Duration wait) {
            return delegate.becomeLeaderAsync(election, candidateId, wait);
        }

        @Override
        public Lease renewLeadership(Lease lease) {
            renewAttempts.add(clock.instant());
            Supplier<RuntimeException> failure = renewFailure;
            if (failure != null) {
                throw failure.get();
            }
            Lease l = delegate.renewLeadership(lease);
            renews.add(clock.instant());
            return l;
        }

        @Override
        public CompletableFuture<Lease> renewLeadershipAsync(Lease lease) {
            return delegate.renewLeadershipAsync(lease);
        }

        @Override
        public boolean resign(Lease lease) {
            if (resignFailsWhenInterrupted && Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("the call was made on an interrupted thread");
            }
            boolean resigned = delegate.resign(lease);
            resigns.add(lease.candidateId()); // once the fake has let go
            return resigned;
        }

        @Override
        public CompletableFuture<Boolean> resignAsync(Lease lease) {
            return delegate.resignAsync(lease);
        }

        @Override
        public LeaderObservation currentLeader(String election) {
            return delegate.currentLeader(election);
        }

        @Override
        public CompletableFuture<LeaderObservation> currentLeaderAsync(String election) {
            return delegate.currentLeaderAsync(election);
        }

        @Override
        public LeaderObservation watch(String election, LeaderObservation lastSeen, Duration wait) {
            CountDownLatch gate = watchGate;
            if (gate != null) {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return delegate.watch(election, lastSeen, wait);
        }

        @Override
        public CompletableFuture<LeaderObservation> watchAsync(String election, LeaderObservation lastSeen,
                Duration wait) {
            return delegate.watchAsync(election, lastSeen, wait);
        }

        @Override
        public LeaderObservation watchAsLeader(Lease lease, Duration wait) {
            return delegate.watchAsLeader(lease, wait);
        }
    }
}

package io.patternkit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.patternkit.leader.CampaignResult;
import io.patternkit.leader.LeaderElection;
import io.patternkit.leader.LeaderObservation;
import io.patternkit.leader.Lease;
import io.patternkit.leader.LeaseLostException;
import io.patternkit.protocol.ProblemType;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The semantics every {@link LeaderElection} must honour, as one abstract JUnit 5 suite: run it against the
 * real leader-election sidecar and against every fake (in the manner of Micrometer's registry compatibility
 * kit), so that a test written against {@link InMemoryLeaderElection} means the same against production.
 *
 * <p>A subclass supplies the subject ({@link #election()}, shared by the tests; each test uses fresh election
 * names) and a way to let time pass on the subject's clock ({@link #letTimePass(Duration)}): a fake on a
 * {@link ManualClock} advances the clock; a real sidecar can only wait real time (with Awaitility, never
 * a bare sleep). The subject's timings must be {@link #leaseDuration()}, {@link #renewDeadline()}
 * and {@link #retryPeriod()} (by default 1500 ms, 1000 ms and 200 ms: short enough to wait for in real time,
 * with a 500 ms window between the renew deadline and the expiry). Long-polls that expect an answer use
 * {@link #POLL} of real time and return as soon as the answer is ready, so the suite is fast on a manual
 * clock and stable on a real one.
 *
 * <pre>{@code
 * class MyLeaderElectionCompatibilityTest extends LeaderElectionCompatibilityKit {
 *     private final ManualClock clock = new ManualClock();
 *     private final InMemoryLeaderElection fake = InMemoryLeaderElection.builder().clock(clock)
 *             .timings(leaseDuration(), renewDeadline(), retryPeriod()).build();
 *
 *     protected LeaderElection election() { return fake; }
 *     protected void letTimePass(Duration d) { clock.advance(d); }
 *     protected Duration tolerance() { return Duration.ZERO; }
 * }
 * }</pre>
 */
public abstract class LeaderElectionCompatibilityKit {
    /** The real-time long-poll of calls that expect an answer (they return as soon as it is ready). */
    protected static final Duration POLL = Duration.ofSeconds(5);
    /** A short real-time wait that a call is expected to sit out. */
    protected static final Duration SHORT = Duration.ofMillis(200);
    private static final String LOST = ProblemType.LEASE_LOST.uri();

    /** The election name of the current test: fresh per test. */
    protected String name;

    /** Creates the kit; subclasses are JUnit test classes. */
    protected LeaderElectionCompatibilityKit() {
    }

    /** @return the subject, configured with the kit's timings */
    protected abstract LeaderElection election();

    /**
     * Lets at least {@code duration} pass on the subject's clock, and returns afterwards.
     *
     * @param duration how long, at most a few seconds
     */
    protected abstract void letTimePass(Duration duration);

    /**
     * Simulates the death of the holder of {@code lease} while its release-on-disconnect watch
     * ({@link LeaderElection#watchAsLeader}) is open: opens such a watch, and closes its connection once
     * the subject has it. Returns once the connection is closed. The default skips the test that needs it.
     *
     * @param lease the holder's lease
     */
    protected void dieWhileWatching(Lease lease) {
        Assumptions.abort("this subject cannot simulate a holder's death");
    }

    /** @return the subject's lease duration; default 1500 ms */
    protected Duration leaseDuration() {
        return Duration.ofMillis(1500);
    }

    /** @return the subject's renew deadline; default 1000 ms */
    protected Duration renewDeadline() {
        return Duration.ofMillis(1000);
    }

    /** @return the subject's retry period; default 200 ms */
    protected Duration retryPeriod() {
        return Duration.ofMillis(200);
    }

    /**
     * How much real time may pass between a call's answer and the kit's check of it (validity shrinks by that
     * much). Zero for a manual clock.
     *
     * @return the tolerance; default 150 ms
     */
    protected Duration tolerance() {
        return Duration.ofMillis(150);
    }

    /** Picks a fresh election name for the test. */
    @BeforeEach
    public final void freshElection() {
        name = "kit-" + UUID.randomUUID().toString().substring(0, 13);
    }

    // ---- helpers ----

    private Lease elect(String candidate) {
        CampaignResult r = election().becomeLeader(name, candidate, Duration.ZERO);
        assertThat(r.elected()).as("%s elected on %s (observed %s)", candidate, name, r.observed()).isTrue();
        return r.lease().orElseThrow();
    }

    private static void assertLost(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(LeaseLostException.class, e -> {
            assertThat(e.problemType()).contains(LOST);
            assertThat(e.status()).isEqualTo(409);
        });
    }

    private void assertValidFor(Duration actual, Duration expected) {
        assertThat(actual).isBetween(expected.minus(tolerance()), expected);
    }

    private Lease forged(Lease real, String candidate, long term) {
        return new Lease(real.election(), candidate, term, real.fencingToken(), real.validFor(), real.leaseDuration(),
                real.renewDeadline(), real.retryPeriod(), real.acquiredAt());
    }

    // ---- campaign ----

    /** A campaign on a vacant election acquires it in a new term, valid up to the renew deadline. */
    @Test
    public void aCampaignOnAVacantElectionElectsWithANewTerm() {
        LeaderObservation before = election().currentLeader(name);
        assertThat(before.leader()).isEmpty();
        assertThat(before.term()).isZero();
        Lease lease = elect("a");
        assertThat(lease.election()).isEqualTo(name);
        assertThat(lease.candidateId()).isEqualTo("a");
        assertThat(lease.term()).isEqualTo(1);
        assertThat(lease.fencingToken()).isPositive();
        assertValidFor(lease.validFor(), renewDeadline());
        assertThat(lease.leaseDuration()).isEqualTo(leaseDuration());
        assertThat(lease.renewDeadline()).isEqualTo(renewDeadline());
        assertThat(lease.retryPeriod()).isEqualTo(retryPeriod());
        LeaderObservation now = election().currentLeader(name);
        assertThat(now.leader()).contains("a");
        assertThat(now.term()).isEqualTo(1);
        assertThat(now.fencingToken()).isEqualTo(lease.fencingToken());
        assertThat(now.validFor()).isPositive().isLessThanOrEqualTo(leaseDuration());
        assertThat(now.changed()).isTrue();
    }

    /** A campaign by the holder is an idempotent renew: the same term and token. */
    @Test
    public void aCampaignByTheHolderRenewsTheSameTerm() {
        Lease first = elect("a");
        letTimePass(retryPeriod());
        Lease again = elect("a");
        assertThat(again.term()).isEqualTo(first.term());
        assertThat(again.fencingToken()).isEqualTo(first.fencingToken());
        assertValidFor(again.validFor(), renewDeadline());
    }

    /** Another candidate is not elected while the lease is held, with or without waiting; it sees the leader. */
    @Test
    public void anotherCandidateIsNotElectedWhileTheLeaseIsHeld() {
        Lease a = elect("a");
        CampaignResult once = election().becomeLeader(name, "b", Duration.ZERO);
        assertThat(once.elected()).isFalse();
        assertThat(once.lease()).isEmpty();
        assertThat(once.observed().leader()).contains("a");
        assertThat(once.observed().term()).isEqualTo(a.term());
        long start = System.nanoTime();
        CampaignResult waited = election().becomeLeader(name, "b", SHORT);
        assertThat(waited.elected()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(SHORT.minusMillis(20));
    }

    /**
     * A waiting campaign is elected as soon as the holder resigns.
     *
     * @throws Exception when the implementation under test fails the call or the wait is interrupted
     */
    @Test
    public void aWaitingCampaignIsElectedAsSoonAsTheHolderResigns() throws Exception {
        Lease a = elect("a");
        CompletableFuture<CampaignResult> b = election().becomeLeaderAsync(name, "b", POLL);
        assertThat(election().resign(a)).isTrue();
        CampaignResult r = b.get(POLL.toMillis() + 2000, TimeUnit.MILLISECONDS);
        assertThat(r.elected()).as("b elected on the release, not after its wait").isTrue();
        assertThat(r.lease().orElseThrow().term()).isGreaterThan(a.term());
        assertThat(r.lease().orElseThrow().fencingToken()).isGreaterThan(a.fencingToken());
    }

    // ---- renew and resign ----

    /** A renew keeps the term and token and starts validity again. */
    @Test
    public void aRenewKeepsTheTermAndRestartsValidity() {
        Lease a = elect("a");
        letTimePass(retryPeriod());
        Lease renewed = election().renewLeadership(a);
        assertThat(renewed.term()).isEqualTo(a.term());
        assertThat(renewed.fencingToken()).isEqualTo(a.fencingToken());
        assertValidFor(renewed.validFor(), renewDeadline());
        assertThat(election().renewLeadershipAsync(renewed).join().term()).isEqualTo(a.term());
    }

    /** Renew or resign of someone else's lease, or of another term, is lease-lost and leaves the lease alone. */
    @Test
    public void renewOrResignOfSomeoneElsesLeaseIsLeaseLost() {
        Lease a = elect("a");
        assertLost(() -> election().renewLeadership(forged(a, "b", a.term())));
        assertLost(() -> election().renewLeadership(forged(a, "a", a.term() + 1)));
        assertLost(() -> election().resign(forged(a, "b", a.term())));
        assertThat(election().currentLeader(name).leader()).contains("a");
        assertThat(election().renewLeadership(a).term()).isEqualTo(a.term());
    }

    /** Resign releases at once; the next term has a greater fencing token; the old lease is then lost. */
    @Test
    public void resignReleasesAtOnce() {
        Lease a = elect("a");
        assertThat(election().resignAsync(a).join()).isTrue();
        assertThat(election().currentLeader(name).leader()).isEmpty();
        Lease b = elect("b");
        assertThat(b.term()).isGreaterThan(a.term());
        assertThat(b.fencingToken()).isGreaterThan(a.fencingToken());
        assertLost(() -> election().renewLeadership(a));
        assertLost(() -> election().resign(a));
    }

    /** Fencing tokens strictly increase across terms. */
    @Test
    public void fencingTokensStrictlyIncreaseAcrossTerms() {
        long last = 0;
        long lastTerm = 0;
        for (int i = 0; i < 4; i++) {
            Lease l = elect(i % 2 == 0 ? "a" : "b");
            assertThat(l.fencingToken()).isGreaterThan(last);
            assertThat(l.term()).isGreaterThan(lastTerm);
            last = l.fencingToken();
            lastTerm = l.term();
            election().resign(l);
        }
    }

    // ---- time ----

    /** The holder is valid only up to the renew deadline, and nobody else may take over before the expiry. */
    @Test
    public void theHolderLosesTheLeaseAtTheRenewDeadlineButNobodyTakesItBeforeExpiry() {
        Lease a = elect("a");
        letTimePass(renewDeadline().plusMillis(50));
        assertLost(() -> election().renewLeadership(a));
        assertThat(election().becomeLeader(name, "b", Duration.ZERO).elected()).as("b before the expiry").isFalse();
    }

    /** Without renewals the lease expires after the lease duration; then another candidate wins a new term. */
    @Test
    public void theLeaseExpiresAfterTheLeaseDuration() {
        Lease a = elect("a");
        letTimePass(leaseDuration().plusMillis(50));
        assertThat(election().currentLeader(name).leader()).isEmpty();
        assertThat(election().currentLeader(name).validFor()).isZero();
        Lease b = elect("b");
        assertThat(b.fencingToken()).isGreaterThan(a.fencingToken());
        assertLost(() -> election().renewLeadership(a));
    }

    /** Renewing every retry period keeps the lease well past the lease duration. */
    @Test
    public void renewingEveryRetryPeriodKeepsTheLease() {
        Lease a = elect("a");
        Duration held = Duration.ZERO;
        while (held.compareTo(leaseDuration().multipliedBy(2)) < 0) {
            letTimePass(retryPeriod());
            held = held.plus(retryPeriod());
            a = election().renewLeadership(a);
        }
        assertThat(election().becomeLeader(name, "b", Duration.ZERO).elected()).isFalse();
        assertThat(election().currentLeader(name).leader()).contains("a");
    }

    // ---- watch ----

    /** A watch answers at once when the caller is behind, and sits out its wait when nothing changes. */
    @Test
    public void aWatchAnswersAtOnceWhenBehindAndWaitsOtherwise() {
        Lease a = elect("a");
        LeaderObservation seen = election().watch(name, null, POLL);
        assertThat(seen.changed()).isTrue();
        assertThat(seen.leader()).contains("a");
        assertThat(seen.term()).isEqualTo(a.term());
        assertThat(election().watch(name, LeaderObservation.none(name), POLL).leader()).contains("a");
        LeaderObservation same = election().watch(name, seen, SHORT);
        assertThat(same.changed()).isFalse();
        assertThat(same.leader()).contains("a");
    }

    /**
     * A follower's watch learns of a release and of a new leader as soon as they happen.
     *
     * @throws Exception when the implementation under test fails the call or the wait is interrupted
     */
    @Test
    public void aFollowersWatchSeesAReleaseAndANewLeaderAtOnce() throws Exception {
        Lease a = elect("a");
        LeaderObservation seen = election().currentLeader(name);
        CompletableFuture<LeaderObservation> release = election().watchAsync(name, seen, POLL);
        election().resign(a);
        LeaderObservation vacant = release.get(POLL.toMillis() + 2000, TimeUnit.MILLISECONDS);
        assertThat(vacant.changed()).isTrue();
        assertThat(vacant.leader()).isEmpty();
        CompletableFuture<LeaderObservation> next = election().watchAsync(name, vacant, POLL);
        Lease b = elect("b");
        LeaderObservation elected = next.get(POLL.toMillis() + 2000, TimeUnit.MILLISECONDS);
        assertThat(elected.changed()).isTrue();
        assertThat(elected.leader()).contains("b");
        assertThat(elected.term()).isEqualTo(b.term());
        assertThat(elected.fencingToken()).isEqualTo(b.fencingToken());
    }

    /** The holder's watch sits out its wait while the term lasts, and returns when the term ends by expiry. */
    @Test
    public void theHoldersWatchReturnsWhenItsTermEnds() {
        Lease a = elect("a");
        LeaderObservation quiet = election().watchAsLeader(a, SHORT);
        assertThat(quiet.changed()).isFalse();
        assertThat(quiet.leader()).contains("a");
        CompletableFuture<LeaderObservation> w = CompletableFuture.supplyAsync(() -> election().watchAsLeader(a, POLL));
        letTimePass(leaseDuration().plusMillis(50));
        LeaderObservation ended = w.orTimeout(POLL.toMillis() + 2000, TimeUnit.MILLISECONDS).join();
        assertThat(ended.changed()).isTrue();
        assertThat(ended.leader()).isEmpty();
    }

    /** When the holder dies with its release-on-disconnect watch open, the lease is released at once. */
    @Test
    public void aHolderThatDiesWithItsWatchOpenIsReplacedAtOnce() {
        Lease a = elect("a");
        dieWhileWatching(a);
        await().atMost(leaseDuration().dividedBy(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> election().currentLeader(name).leader(), Optional::isEmpty);
        Lease b = elect("b");
        assertThat(b.fencingToken()).isGreaterThan(a.fencingToken());
    }

    // ---- arguments ----

    /** Arguments outside the wire's limits fail before any call. */
    @Test
    public void argumentsOutsideTheWiresLimitsAreRejected() {
        assertThatThrownBy(() -> election().becomeLeader("Not_A_Label", "a", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("election");
        assertThatThrownBy(() -> election().becomeLeader(name, "-a", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("candidateId");
        assertThatThrownBy(() -> election().becomeLeader(name, "a", Duration.ofSeconds(21)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wait");
        assertThatThrownBy(() -> election().watch(name, null, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(election().currentLeader(name).term()).isZero();
    }
}

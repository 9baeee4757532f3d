package io.patternkit.sidecar.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.patternkit.sidecar.leader.AcquireResult;
import io.patternkit.sidecar.leader.LeaseEngine;
import io.patternkit.sidecar.leader.LeaseRecord;
import io.patternkit.sidecar.leader.ReleaseOutcome;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The semantics every {@link LeaseEngine} must honour, run against real engines by subclasses.
 *
 * <p>Time: SQLite judges expiry by an injectable clock and Kubernetes by the engine's injectable
 * monotonic ticker, so their subclasses move manual clocks; PostgreSQL judges expiry by the
 * server's {@code now()}, so its subclass lets real time pass (Awaitility, never a fixed sleep)
 * over a short lease. Each test uses fresh election names.
 */
abstract class LeaseEngineContractTest {
    protected LeaseEngine engine;
    protected String election;

    /** Opens a fresh engine. */
    protected abstract LeaseEngine open();

    /** Lets {@code d} pass on the clock the engine judges expiry by. */
    protected abstract void pass(Duration d);

    /** @return the lease duration of the tests */
    protected abstract Duration lease();

    @BeforeEach
    void openEngine() {
        engine = open();
        election = "e-" + UUID.randomUUID();
    }

    @AfterEach
    void closeEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    private AcquireResult acquire(String candidate) {
        return engine.tryAcquire(election, candidate, lease());
    }

    /** Past the lease's end, with a margin for real clocks. */
    private Duration beyondLease() {
        return lease().plus(lease().dividedBy(5));
    }

    @Test
    void aNeverElectedElectionIsVacantInTermZero() {
        LeaseRecord lease = engine.read(election);
        assertThat(lease.holder()).isNull();
        assertThat(lease.term()).isZero();
        assertThat(lease.remaining()).isZero();
    }

    @Test
    void theFirstCandidateAcquiresAVacantLeaseInTermOne() {
        AcquireResult result = acquire("a");
        assertThat(result.elected()).isTrue();
        assertThat(result.lease().holder()).isEqualTo("a");
        assertThat(result.lease().term()).isEqualTo(1);
        assertThat(result.lease().acquiredAt()).isNotNull();
        LeaseRecord read = engine.read(election);
        assertThat(read.holder()).isEqualTo("a");
        assertThat(read.term()).isEqualTo(1);
        assertThat(read.remaining()).isPositive().isLessThanOrEqualTo(lease());
    }

    @Test
    void aForgottenElectionIsNeverTakenOverSoonerAndKeepsItsTerms() {
        assertThat(acquire("a").elected()).isTrue();
        engine.forget(election);
        assertThat(engine.read(election).holder()).isEqualTo("a");
        assertThat(engine.tryAcquire(election, "b", lease()).elected()).as("the lease runs on").isFalse();
        pass(beyondLease());
        AcquireResult taken = engine.tryAcquire(election, "b", lease());
        assertThat(taken.elected()).isTrue();
        assertThat(taken.lease().term()).isEqualTo(2);
    }

    @Test
    void theHolderCampaigningAgainKeepsItsTerm() {
        AcquireResult first = acquire("a");
        AcquireResult again = acquire("a");
        assertThat(again.elected()).isTrue();
        assertThat(again.lease().term()).isEqualTo(first.lease().term());
        assertThat(again.lease().acquiredAt()).isEqualTo(first.lease().acquiredAt());
    }

    @Test
    void anotherCandidateIsBlockedWhileTheLeaseIsLive() {
        acquire("a");
        pass(lease().dividedBy(2));
        AcquireResult b = acquire("b");
        assertThat(b.elected()).isFalse();
        assertThat(b.lease().holder()).isEqualTo("a");
        assertThat(b.lease().term()).isEqualTo(1);
        assertThat(engine.read(election).holder()).isEqualTo("a");
    }

    @Test
    void anExpiredLeaseIsTakenOverInAHigherTerm() {
        acquire("a");
        pass(beyondLease());
        assertThat(engine.read(election).holder()).isNull();
        AcquireResult b = acquire("b");
        assertThat(b.elected()).isTrue();
        assertThat(b.lease().term()).isEqualTo(2);
        assertThat(engine.read(election).holder()).isEqualTo("b");
        assertThat(engine.renew(election, "a", 1, lease())).isEmpty();
    }

    @Test
    void aRenewKeepsTheLeaseLivePastItsFirstExpiry() {
        acquire("a");
        pass(lease().multipliedBy(3).dividedBy(5));
        assertThat(engine.renew(election, "a", 1, lease())).hasValueSatisfying(l -> {
            assertThat(l.holder()).isEqualTo("a");
            assertThat(l.term()).isEqualTo(1);
        });
        pass(lease().multipliedBy(3).dividedBy(5));
        assertThat(acquire("b").elected()).isFalse();
        assertThat(engine.read(election).holder()).isEqualTo("a");
    }

    @Test
    void renewAndReleaseByAnyoneButTheHolderOfThatTermChangeNothing() {
        acquire("a");
        assertThat(engine.renew(election, "b", 1, lease())).isEmpty();
        assertThat(engine.renew(election, "a", 2, lease())).isEmpty();
        assertThat(engine.release(election, "b", 1)).isEqualTo(ReleaseOutcome.NOT_HOLDER);
        assertThat(engine.release(election, "a", 7)).isEqualTo(ReleaseOutcome.NOT_HOLDER);
        LeaseRecord read = engine.read(election);
        assertThat(read.holder()).isEqualTo("a");
        assertThat(read.term()).isEqualTo(1);
        assertThat(engine.renew(election, "a", 1, lease())).isPresent();
    }

    @Test
    void anExpiredLeaseCannotBeRenewed() {
        acquire("a");
        pass(beyondLease());
        assertThat(engine.renew(election, "a", 1, lease())).isEmpty();
    }

    @Test
    void aReleasedLeaseIsTakenOverAtOnceInTheNextTerm() {
        acquire("a");
        assertThat(engine.release(election, "a", 1)).isEqualTo(ReleaseOutcome.RELEASED);
        LeaseRecord vacant = engine.read(election);
        assertThat(vacant.holder()).isNull();
        assertThat(vacant.term()).isEqualTo(1);
        assertThat(engine.release(election, "a", 1)).isEqualTo(ReleaseOutcome.ALREADY_RELEASED);
        assertThat(engine.renew(election, "a", 1, lease())).isEmpty();
        AcquireResult b = acquire("b");
        assertThat(b.elected()).isTrue();
        assertThat(b.lease().term()).isEqualTo(2);
        assertThat(engine.release(election, "a", 1)).isEqualTo(ReleaseOutcome.NOT_HOLDER);
    }

    @Test
    void termsStrictlyIncreaseAcrossEveryAcquisitionEvenBySameCandidate() {
        long last = 0;
        for (int round = 0; round < 3; round++) {
            AcquireResult a = acquire("a");
            assertThat(a.elected()).isTrue();
            assertThat(a.lease().term()).isGreaterThan(last);
            last = a.lease().term();
            assertThat(engine.release(election, "a", last)).isEqualTo(ReleaseOutcome.RELEASED);
        }
        AcquireResult a = acquire("a");
        pass(beyondLease());
        AcquireResult again = acquire("a");
        assertThat(again.elected()).isTrue();
        assertThat(again.lease().term()).isGreaterThan(a.lease().term()).isGreaterThan(last);
    }

    @Test
    void electionsAreIndependent() {
        String other = "o-" + UUID.randomUUID();
        acquire("a");
        AcquireResult b = engine.tryAcquire(other, "b", lease());
        assertThat(b.elected()).isTrue();
        assertThat(b.lease().term()).isEqualTo(1);
        assertThat(engine.release(election, "a", 1)).isEqualTo(ReleaseOutcome.RELEASED);
        assertThat(engine.read(other).holder()).isEqualTo("b");
        assertThat(engine.tryAcquire(other, "c", lease()).elected()).isFalse();
    }

    @Test
    void pingAnswers() {
        engine.ping();
    }
}

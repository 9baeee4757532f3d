package io.patternkit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patternkit.testing.SidecarProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Failover of leader election through real processes on every engine: two candidate apps
 * ({@link LeaderCandidateMain}), each with its own leader sidecar, campaigning in the same election and
 * writing to a {@link FencedStore} with their fencing tokens while they lead. Every test ends by checking
 * the whole history ({@link LeaderHistory#assertSafe()}: no overlapping validity, tokens strictly
 * increasing and never shared, no stale write accepted).
 *
 * <p>Times are read on {@link System#nanoTime()} in the test and in the apps (one monotonic clock on one
 * Linux machine) and printed. Tolerances are stated per test: the machine has 2 shared, busy cores, so
 * process scheduling adds noise of up to a few hundred milliseconds to any step.
 */
class LeaderFailoverIT {
    /** Short leases, for the tests that wait for an expiry. */
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final Duration RENEW = Duration.ofMillis(1200);
    private static final Duration RETRY = Duration.ofMillis(300);
    /** Noise allowed on top of a bound that involves JVM processes being scheduled on a busy 2-core box. */
    private static final Duration NOISE = Duration.ofMillis(1000);

    @TempDir
    Path tmp;

    private LeaderCluster cluster;
    private final String election = "it-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void closeAll() {
        if (cluster != null) {
            cluster.keepLogs(election);
            cluster.close();
        }
    }

    private List<CandidateProcess> twoCandidates(LeaderEngine engine, Duration lease, Duration renew, Duration retry,
            long prepMs, String... elections) {
        assumeTrue(engine.available(), "PATTERNKIT_TEST_JDBC_URL not set");
        cluster = new LeaderCluster(engine, tmp, lease, renew, retry);
        List<SidecarProcess> s = cluster.startSidecars(2);
        return List.of(cluster.candidate("app-a", s.get(0), prepMs, elections),
                cluster.candidate("app-b", s.get(1), prepMs, elections));
    }

    private SidecarProcess sidecarOf(CandidateProcess app) {
        return cluster.sidecars.get(cluster.candidates.indexOf(app));
    }

    private CandidateProcess other(CandidateProcess app) {
        return cluster.candidates.get(1 - cluster.candidates.indexOf(app));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** A graceful stop (the app closes its Leadership: revoke, then resign) hands over without any expiry. */
    @ParameterizedTest
    @EnumSource(LeaderEngine.class)
    void aGracefulResignHandsOverAtOnce(LeaderEngine engine) {
        Duration lease = Duration.ofSeconds(5);
        twoCandidates(engine, lease, Duration.ofSeconds(3), Duration.ofMillis(500), 0, election);
        CandidateEvent first = cluster.awaitSteadyLeader(election, Duration.ofSeconds(90));
        CandidateProcess leader = cluster.byId(first.candidate());

        long t0 = System.nanoTime();
        leader.command("close " + election);
        CandidateEvent next = cluster.awaitElected(election, t0, lease.multipliedBy(2));
        long handover = next.t() - t0;
        System.out.printf("[%s] graceful handover %s -> %s: %.1f ms (lease %s)%n", engine, leader.id(),
                next.candidate(), ms(handover), lease);

        assertThat(next.candidate()).isEqualTo(other(leader).id());
        assertThat(next.token()).isGreaterThan(first.token());
        assertThat(leader.last("REVOKED", election)).get().satisfies(r -> {
            assertThat(r.detail()).isEqualTo("CLOSED");
            assertThat(r.t()).isLessThan(next.t());
        });
        // Far less than the lease: no expiry was waited for (a third of it, on a busy 2-core machine).
        assertThat(Duration.ofNanos(handover)).isLessThan(lease.dividedBy(3));
        System.out.println(cluster.history(election).assertSafe());
    }

    /** A sidecar killed with SIGKILL releases nothing: a successor takes over once its lease expires. */
    @ParameterizedTest
    @EnumSource(LeaderEngine.class)
    void aKilledLeaderSidecarFailsOverWithinLeaseDurationPlusRetryPeriod(LeaderEngine engine) {
        twoCandidates(engine, LEASE, RENEW, RETRY, 0, election);
        CandidateEvent first = cluster.awaitSteadyLeader(election, Duration.ofSeconds(90));
        CandidateProcess leader = cluster.byId(first.candidate());

        long t0 = System.nanoTime();
        sidecarOf(leader).kill();
        Duration bound = LEASE.plus(RETRY).plus(NOISE);
        CandidateEvent next = cluster.awaitElected(election, t0, bound.plusSeconds(10));
        long failover = next.t() - t0;
        System.out.printf("[%s] failover after kill -9 of the leader's sidecar: %.1f ms (bound lease %s + retry %s"
                + " + noise %s)%n", engine, ms(failover), LEASE, RETRY, NOISE);

        assertThat(next.candidate()).isEqualTo(other(leader).id());
        assertThat(next.token()).isGreaterThan(first.token());
        assertThat(Duration.ofNanos(failover)).isLessThanOrEqualTo(bound);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(leader.last("REVOKED", election))
                .get().satisfies(r -> assertThat(r.detail()).isEqualTo("RENEW_DEADLINE_PASSED")));
        System.out.println(cluster.history(election).assertSafe());
    }

    /**
     * An app killed with SIGKILL while its sidecar lives: the kernel closes its release-on-disconnect watch,
     * the sidecar releases at once, and the successor takes over in well under a second although the lease
     * is 15 s.
     */
    @ParameterizedTest
    @EnumSource(LeaderEngine.class)
    void aKilledLeaderAppFailsOverInWellUnderASecondWhateverTheLease(LeaderEngine engine) {
        Duration lease = Duration.ofSeconds(15);
        twoCandidates(engine, lease, Duration.ofSeconds(10), Duration.ofSeconds(2), 0, election);
        CandidateEvent first = cluster.awaitSteadyLeader(election, Duration.ofSeconds(90));
        CandidateProcess leader = cluster.byId(first.candidate());

        long t0 = System.nanoTime();
        leader.kill();
        CandidateEvent next = cluster.awaitElected(election, t0, Duration.ofSeconds(30));
        long failover = next.t() - t0;
        System.out.printf("[%s] failover after kill -9 of the leader app (sidecar alive, lease %s): %.1f ms%n",
                engine, lease, ms(failover));

        assertThat(next.candidate()).isEqualTo(other(leader).id());
        assertThat(Duration.ofNanos(failover)).isLessThan(Duration.ofSeconds(1));
        assertThat(sidecarOf(leader).isAlive()).isTrue();
        System.out.println(cluster.history(election).assertSafe());
    }

    /**
     * A leader app paused with SIGSTOP past its lease: a successor is elected; the paused app, resumed, learns
     * that it lost leadership, and whatever write it had prepared before the pause reaches the store with its
     * stale token and is rejected. No stale write is accepted. The apps prepare each write for 25 ms after
     * checking validity, so a pause usually lands between the check and the write, as a GC pause would.
     */
    @ParameterizedTest
    @EnumSource(LeaderEngine.class)
    void aPausedLeaderIsReplacedAndItsStaleWritesAreRejected(LeaderEngine engine) {
        twoCandidates(engine, LEASE, RENEW, RETRY, 25, election);
        CandidateEvent first = cluster.awaitSteadyLeader(election, Duration.ofSeconds(90));
        CandidateProcess leader = cluster.byId(first.candidate());

        long t0 = System.nanoTime();
        leader.pause();
        CandidateEvent next = cluster.awaitElected(election, t0, Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.store.attempts(election).stream()
                .anyMatch(a -> a.accepted() && a.token() == next.token()));
        long resumed = System.nanoTime();
        leader.resume();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(leader.events())
                .anyMatch(e -> e.type().equals("REVOKED") && e.term() == first.term()));

        List<FencedStore.Attempt> stale = cluster.store.attemptsBy(election, leader.id()).stream()
                .filter(a -> a.token() == first.token() && a.atNanos() > resumed).toList();
        System.out.printf("[%s] paused leader %s replaced by %s after %.1f ms; %d write(s) with its stale token "
                + "after it resumed, all rejected: %s%n", engine, leader.id(), next.candidate(),
                ms(next.t() - t0), stale.size(), stale.stream().noneMatch(FencedStore.Attempt::accepted));
        assertThat(stale).as("stale writes after the resume").noneMatch(FencedStore.Attempt::accepted);
        assertThat(leader.events()).as("the paused app never again believed itself valid in its old term")
                .noneMatch(e -> e.type().equals("VALID") && e.term() == first.term() && e.t() > resumed);
        assertThat(next.token()).isGreaterThan(first.token());
        System.out.println(cluster.history(election).assertSafe());
    }

    /** Several named elections on the same sidecars: a handover in one leaves the others untouched. */
    @ParameterizedTest
    @EnumSource(LeaderEngine.class)
    void namedElectionsOnTheSameSidecarsStayIndependent(LeaderEngine engine) {
        String e1 = election + "-one";
        String e2 = election + "-two";
        // Handover by resign needs no short lease; a longer one keeps a stall of the busy machine from
        // revoking e2 for reasons that have nothing to do with e1.
        twoCandidates(engine, Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofMillis(500), 0, e1, e2);
        CandidateEvent l1 = cluster.awaitSteadyLeader(e1, Duration.ofSeconds(90));
        CandidateEvent l2 = cluster.awaitSteadyLeader(e2, Duration.ofSeconds(30));

        long t0 = System.nanoTime();
        cluster.byId(l1.candidate()).command("close " + e1);
        CandidateEvent next1 = cluster.awaitElected(e1, t0, Duration.ofSeconds(10));
        assertThat(next1.candidate()).isNotEqualTo(l1.candidate());
        // e2's leader keeps acting in its term across e1's handover.
        long after = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).until(() -> cluster.byId(l2.candidate()).events().stream()
                .anyMatch(e -> e.type().equals("VALID") && e.election().equals(e2) && e.t() > after));

        List<CandidateEvent> e2Since = cluster.history(e2).events().stream().filter(e -> e.t() > t0).toList();
        assertThat(e2Since).as("no revocation in %s since %s's handover", e2, e1)
                .noneMatch(e -> e.type().equals("REVOKED"));
        assertThat(e2Since).as("no new term in %s since %s's handover", e2, e1)
                .noneMatch(e -> e.type().equals("ELECTED"));
        assertThat(e2Since).as("%s's leader kept acting in its term", e2)
                .anyMatch(e -> e.type().equals("VALID") && e.candidate().equals(l2.candidate()) && e.term() == l2.term());
        System.out.printf("[%s] %s handed over %s -> %s in %.1f ms; %s stayed with %s in term %d%n", engine, e1,
                l1.candidate(), next1.candidate(), ms(next1.t() - t0), e2, l2.candidate(), l2.term());
        System.out.println(cluster.history(e1).assertSafe());
        System.out.println(cluster.history(e2).assertSafe());
    }
}

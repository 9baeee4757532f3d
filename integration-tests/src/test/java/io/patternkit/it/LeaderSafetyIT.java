package io.patternkit.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patternkit.testing.SidecarProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Leader election's safety under repeated faults, through real processes on every engine: three candidate
 * apps ({@link LeaderCandidateMain}), each with its own sidecar, in one election, writing to a
 * {@link FencedStore} with their fencing tokens (each write prepared for 25 ms after the validity check, so
 * pauses land between check and act). Round after round, once the election is steady, a random fault hits
 * the leader or a follower: {@code kill -9} of the leader's app or of its sidecar, a {@code SIGSTOP} of the
 * leader's app or sidecar for 0.2 to 3 s (often past the 2 s lease) followed by {@code SIGCONT}, or
 * {@code kill -9} of a follower's app; the dead are restarted (a sidecar on its old port). The seed is
 * printed; set {@code -Dleader.safety.seed} to replay one, {@code -Dleader.safety.rounds} to scale the rounds.
 *
 * <p>Then the whole recorded history (candidates' event logs, sidecars' logs, the store's attempts) is
 * checked by {@link LeaderHistory#assertSafe()}. <b>Validity</b>, precisely: a term's validity interval, for
 * its holder, is the span from the first to the last instant at which the holder's SDK reported the term
 * valid ({@code LeadershipContext.isValid()} true: before the local renew deadline, computed as the send
 * time of the last successful campaign or renew plus the {@code validFor} it returned, and before any
 * revocation), each instant read on {@link System#nanoTime()} <em>before</em> the check, so that it is
 * certainly inside validity even if the process was paused around the check. The checks: no two terms'
 * validity intervals overlap (strictly, no tolerance); fencing tokens strictly increase in the order the
 * intervals begin; no token is held by two candidates (candidates' and sidecars' records agree); replaying
 * the store's attempts in arrival order, no write with a token lower than an already accepted one is ever
 * accepted. Liveness is checked on the way: after each fault the election becomes steady again.
 */
class LeaderSafetyIT {
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final Duration RENEW = Duration.ofMillis(1200);
    private static final Duration RETRY = Duration.ofMillis(300);

    private enum Fault { KILL_LEADER_APP, KILL_LEADER_SIDECAR, PAUSE_LEADER_APP, PAUSE_LEADER_SIDECAR, KILL_FOLLOWER_APP }

    @TempDir
    Path tmp;

    private LeaderCluster cluster;
    private final String election = "safety-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void closeAll() {
        if (cluster != null) {
            cluster.keepLogs(election);
            cluster.close();
        }
    }

    private static int rounds(LeaderEngine engine) {
        double scale = Double.parseDouble(System.getProperty("leader.safety.rounds", "1"));
        int base = switch (engine) {
            case SQLITE -> 12;
            case POSTGRES -> 5;
            case KUBERNETES -> 4;
        };
        return Math.max(1, (int) Math.round(base * scale));
    }

    @ParameterizedTest
    @EnumSource(LeaderEngine.class)
    void noOverlapNoReusedTokenNoStaleWriteAcrossRandomKillsAndPauses(LeaderEngine engine) {
        assumeTrue(engine.available(), "PATTERNKIT_TEST_JDBC_URL not set");
        long seed = Long.getLong("leader.safety.seed", System.nanoTime());
        Random random = new Random(seed);
        cluster = new LeaderCluster(engine, tmp, LEASE, RENEW, RETRY);
        List<SidecarProcess> sidecars = cluster.startSidecars(3);
        List<CandidateProcess> apps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            apps.add(cluster.candidate("app-" + i, sidecars.get(i), 25, election));
        }
        int rounds = rounds(engine);
        System.out.printf("[%s] safety: %d rounds, seed %d (replay with -Dleader.safety.seed=%d)%n", engine, rounds,
                seed, seed);
        long started = System.nanoTime();
        List<String> log = new ArrayList<>();
        long since = Long.MIN_VALUE;
        for (int round = 1; round <= rounds; round++) {
            CandidateEvent leader = cluster.awaitSteadyLeader(election, since, Duration.ofSeconds(90));
            int li = apps.indexOf(cluster.byId(leader.candidate()));
            Fault fault = Fault.values()[random.nextInt(Fault.values().length)];
            Duration pause = Duration.ofMillis(200 + random.nextInt(2800));
            long t0 = System.nanoTime();
            switch (fault) {
                case KILL_LEADER_APP -> apps.get(li).kill();
                case KILL_LEADER_SIDECAR -> sidecars.get(li).kill();
                case PAUSE_LEADER_APP -> {
                    apps.get(li).pause();
                    hold(pause);
                    apps.get(li).resume();
                }
                case PAUSE_LEADER_SIDECAR -> {
                    sidecars.get(li).pause();
                    hold(pause);
                    sidecars.get(li).resume();
                }
                case KILL_FOLLOWER_APP -> apps.get((li + 1 + random.nextInt(2)) % 3).kill();
            }
            for (int i = 0; i < 3; i++) {
                if (!sidecars.get(i).isAlive()) {
                    sidecars.get(i).start();
                }
                if (!apps.get(i).isAlive()) {
                    apps.get(i).restart();
                }
            }
            since = System.nanoTime();
            log.add(String.format("round %2d: %-20s leader %s in term %d%s", round, fault, leader.candidate(),
                    leader.term(), fault.name().startsWith("PAUSE") ? ", paused " + pause.toMillis() + " ms" : ""));
        }
        cluster.awaitSteadyLeader(election, since, Duration.ofSeconds(90));
        log.forEach(l -> System.out.printf("[%s] %s%n", engine, l));
        LeaderHistory history = cluster.history(election);
        String summary = history.assertSafe();
        System.out.printf("[%s] %s; %d rounds in %.1f s%n", engine, summary, rounds, (System.nanoTime() - started) / 1e9);
    }

    /** Keeps a fault in place for a while: deliberate fault timing, not synchronisation. */
    private static void hold(Duration d) {
        long start = System.nanoTime();
        await().pollDelay(d).atMost(d.plusSeconds(5)).until(() -> System.nanoTime() - start >= d.toNanos());
    }
}

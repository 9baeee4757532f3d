package io.patternkit.testing;

import static org.awaitility.Awaitility.await;

import io.patternkit.leader.LeaderElection;
import io.patternkit.leader.Lease;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** The leader-election compatibility kit against {@link InMemoryLeaderElection} on a {@link ManualClock}. */
class InMemoryLeaderElectionCompatibilityTest extends LeaderElectionCompatibilityKit {
    private final ManualClock clock = new ManualClock();
    private final InMemoryLeaderElection fake = InMemoryLeaderElection.builder().clock(clock)
            .timings(leaseDuration(), renewDeadline(), retryPeriod()).build();

    @Override
    protected LeaderElection election() {
        return fake;
    }

    @Override
    protected void letTimePass(Duration duration) {
        clock.advance(duration);
    }

    /** Opens the holder's watch on another thread and disconnects the holder once the fake has it. */
    @Override
    protected void dieWhileWatching(Lease lease) {
        CompletableFuture<?> watch = CompletableFuture.runAsync(() -> fake.watchAsLeader(lease, POLL));
        await().atMost(POLL).until(() -> fake.disconnect(lease.candidateId()) > 0);
        watch.exceptionally(e -> null).join();
    }

    /** The manual clock does not move between calls, so every duration is exact. */
    @Override
    protected Duration tolerance() {
        return Duration.ZERO;
    }
}

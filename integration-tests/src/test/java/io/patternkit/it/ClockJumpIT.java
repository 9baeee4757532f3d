package io.patternkit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patternkit.core.SidecarConfig;
import io.patternkit.leader.CampaignResult;
import io.patternkit.leader.LeaderElectionClient;
import io.patternkit.leader.Lease;
import io.patternkit.testing.SidecarProcess;
import io.patternkit.workqueue.Enqueue;
import io.patternkit.workqueue.WorkItem;
import io.patternkit.workqueue.WorkQueue;
import io.patternkit.workqueue.WorkQueueClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wall-clock jump seen by one sidecar process only (Debian's {@code libfaketime} preloaded into it, its offset
 * changed while it runs; the machine's clock is never touched): two sidecars share one SQLite file, the first
 * holds a lease and 20 claimed items, the second's wall clock jumps an hour ahead. The second must not see the
 * live lease as expired (no second leader) nor the claimed items as visible (no item in two handlers within its
 * visibility timeout), and must still see the lease expire, on time, once its holder stops renewing.
 */
class ClockJumpIT {
    private static final Path LIBFAKETIME = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");
    private static final Duration LEASE = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    private final Resources resources = new Resources();

    @AfterEach
    void closeAll() throws Exception {
        resources.close();
    }

    private SidecarProcess sidecar(Path data, String... env) {
        SidecarProcess.Builder builder = SidecarProcess.run("leader", "workqueue").dataDir(data)
                .args("--lease-duration", LEASE.toMillis() + "ms", "--renew-deadline", "3s", "--retry-period", "1s");
        for (int i = 0; i < env.length; i += 2) {
            builder.env(env[i], env[i + 1]);
        }
        return resources.track(builder.start());
    }

    private SidecarConfig config(URI url) {
        return SidecarConfig.builder().baseUrl(url).callTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void aSidecarWhoseWallClockJumpsAnHourAheadGrantsNoSecondLeaderAndClaimsNoInvisibleItem() throws Exception {
        assumeTrue(Files.exists(LIBFAKETIME), "libfaketime (Debian package faketime) is installed by scripts/test.sh");
        Path data = tmp.resolve("data");
        Path offset = Files.writeString(tmp.resolve("faketime"), "+0\n", StandardCharsets.US_ASCII);
        SidecarProcess steady = sidecar(data);
        SidecarProcess jumping = sidecar(data, "LD_PRELOAD", LIBFAKETIME.toString(),
                "FAKETIME_TIMESTAMP_FILE", offset.toString(), "FAKETIME_CACHE_DURATION", "1",
                "FAKETIME_DONT_FAKE_MONOTONIC", "1");
        LeaderElectionClient viaSteady = resources.track(LeaderElectionClient.create(config(steady.baseUrl())));
        LeaderElectionClient viaJumping = resources.track(LeaderElectionClient.create(config(jumping.baseUrl())));
        WorkQueue queueSteady = resources.track(WorkQueueClient.create(config(steady.baseUrl()))).queue("jobs");
        WorkQueue queueJumping = resources.track(WorkQueueClient.create(config(jumping.baseUrl()))).queue("jobs");

        CampaignResult first = viaSteady.becomeLeader("clock", "steady", Duration.ZERO);
        assertThat(first.elected()).isTrue();
        AtomicReference<Lease> held = new AtomicReference<>(first.lease().orElseThrow());
        ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor();
        resources.track(renewer::shutdownNow);
        renewer.scheduleAtFixedRate(() -> held.set(viaSteady.renewLeadership(held.get())), 1, 1, TimeUnit.SECONDS);
        queueSteady.enqueueAll(IntStream.range(0, 20).mapToObj(i -> Enqueue.json("{\"n\":" + i + "}")).toList());
        List<WorkItem> claimed = queueSteady.claim(20, Duration.ofSeconds(60), Duration.ZERO);
        assertThat(claimed).hasSize(20);

        Files.writeString(offset, "+3600\n", StandardCharsets.US_ASCII); // the jumping sidecar's wall clock: +1 h
        Instant jumped = Instant.now();
        // For three lease durations the live lease stays live and the claimed items invisible, seen from there.
        await().during(LEASE.multipliedBy(3)).atMost(LEASE.multipliedBy(4)).until(() ->
                !viaJumping.becomeLeader("clock", "jumping", Duration.ZERO).elected()
                        && queueJumping.claim(20, Duration.ofSeconds(60), Duration.ZERO).isEmpty());

        renewer.shutdown();
        assertThat(renewer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        Instant lastRenewal = Instant.now();
        CampaignResult second = await().atMost(LEASE.multipliedBy(4)).until(
                () -> viaJumping.becomeLeader("clock", "jumping", Duration.ZERO), CampaignResult::elected);
        Duration handover = Duration.between(lastRenewal, Instant.now());
        assertThat(second.lease().orElseThrow().fencingToken()).isGreaterThan(held.get().fencingToken());
        assertThat(handover).as("the lease expired on time, not an hour early or late").isLessThan(LEASE.multipliedBy(3));
        System.out.printf("[clock jump] +1 h on one sidecar: no second leader and 0 of 20 claimed items visible there "
                + "for %d s after the jump; the lease passed to it %d ms after the holder stopped renewing (lease %d s)%n",
                Duration.between(jumped, lastRenewal).toSeconds(), handover.toMillis(), LEASE.toSeconds());
    }
}

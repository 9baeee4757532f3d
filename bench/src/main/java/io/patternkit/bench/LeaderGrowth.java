package io.patternkit.bench;

import io.patternkit.core.SidecarConfig;
import io.patternkit.leader.CampaignResult;
import io.patternkit.leader.LeaderElectionClient;
import io.patternkit.leader.Lease;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * How one sidecar's leader election costs grow with the elections it serves (issue 13, target 4): for each count
 * N, a fresh leader sidecar on SQLite, N elections each won by a candidate of its own, every lease renewed every
 * {@code --renew-every} (as an app renews well within its renew deadline), and meanwhile, on one more election,
 * {@code --probes} timed {@code renewLeadership} and {@code currentLeader} (observe) calls in alternation, back to
 * back, after half as many unrecorded ones. Reported
 * per N: the campaigns' rate, the probes' p50 and p99, and the sidecar's CPU (its process total, from
 * {@link ProcessHandle}) per call it answered while the probes ran, each with its growth against the fewest
 * elections: a latency that stays at 1.00x does not grow, a CPU per call at 1.00x grows with the work.
 *
 * <p>Options: {@code --out DIR} (fragment {@code leader-growth.md}), {@code --sidecar-jar PATH},
 * {@code --elections 10,100,1000}, {@code --renew-every 3s}, {@code --probes 2000}.
 */
public final class LeaderGrowth {
    private static final Duration LEASE = Duration.ofSeconds(15);
    private static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
    private static final int IN_FLIGHT = 16;

    private LeaderGrowth() {
    }

    /**
     * @param argv {@code --name value} options, see the class comment
     * @throws Exception when a sidecar does not start or a campaign is not won
     */
    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Path out = Files.createDirectories(args.path("out", "bench/target/results"));
        Path jar = args.path("sidecar-jar", "sidecar/target/patternkit-sidecar.jar");
        List<Integer> sizes = args.integers("elections", "10,100,1000");
        Duration renewEvery = Duration.parse("PT" + args.string("renew-every", "3s").toUpperCase());
        int probes = args.integer("probes", 2000);
        StringBuilder md = new StringBuilder("| elections | campaigns/s | background renews/s | renew p50 µs | p99 µs "
                + "| observe p50 µs | p99 µs | sidecar CPU µs per call | renew p50 growth | observe p50 growth "
                + "| CPU per call growth |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Row base = null;
        for (int n : sizes) {
            Row row = measure(jar, out, n, renewEvery, probes);
            base = base == null ? row : base;
            md.append("| ").append(String.join(" | ", Stats.count(n), Stats.count(row.campaignsPerSecond),
                    Stats.count(row.renewsPerSecond), Stats.micros(row.renewP50), Stats.micros(row.renewP99),
                    Stats.micros(row.observeP50), Stats.micros(row.observeP99), Stats.count(row.cpuMicrosPerCall),
                    Stats.ratio(row.renewP50 / base.renewP50) + "x", Stats.ratio(row.observeP50 / base.observeP50) + "x",
                    Stats.ratio(row.cpuMicrosPerCall / base.cpuMicrosPerCall) + "x")).append(" |\n");
            System.err.println("[leader-growth] " + n + " elections done");
        }
        Files.writeString(out.resolve("leader-growth.md"), md.toString(), StandardCharsets.UTF_8);
        System.out.println(md);
    }

    private record Row(double campaignsPerSecond, double renewsPerSecond, double renewP50, double renewP99,
            double observeP50, double observeP99, double cpuMicrosPerCall) {
    }

    private static Row measure(Path jar, Path out, int n, Duration renewEvery, int probes) throws Exception {
        Path data = Files.createTempDirectory("patternkit-bench-leader-growth-");
        List<String> options = List.of("--engine", "sqlite", "--data", data.toString(),
                "--lease-duration", LEASE.toMillis() + "ms", "--renew-deadline", RENEW_DEADLINE.toMillis() + "ms",
                "--retry-period", "2000ms");
        ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor();
        try (BenchSidecar sidecar = BenchSidecar.start(jar, "leader", List.of(), options,
                    out.resolve("leader-growth-" + n + "-sidecar.log"));
                LeaderElectionClient client = LeaderElectionClient.create(
                        SidecarConfig.builder().baseUrl(sidecar.baseUrl()).build())) {
            AtomicReferenceArray<Lease> leases = new AtomicReferenceArray<>(n);
            long campaignStart = System.nanoTime();
            for (int i = 0; i < n; i++) {
                leases.set(i, win(client, "growth-" + i));
            }
            double campaignsPerSecond = n / ((System.nanoTime() - campaignStart) / 1e9);
            AtomicInteger renewed = new AtomicInteger();
            Semaphore inFlight = new Semaphore(IN_FLIGHT);
            long periodNanos = renewEvery.toNanos();
            for (int i = 0; i < n; i++) {
                int index = i;
                renewer.scheduleAtFixedRate(() -> renew(client, leases, index, inFlight, renewed),
                        periodNanos * i / n, periodNanos, TimeUnit.NANOSECONDS);
            }
            Lease probe = win(client, "growth-probe");
            long[] renews = new long[probes];
            long[] observes = new long[probes];
            for (int i = 0; i < probes / 2; i++) { // warm-up, unrecorded
                probe = client.renewLeadership(probe);
                client.currentLeader("growth-probe");
            }
            ProcessHandle process = ProcessHandle.of(sidecar.pid()).orElseThrow();
            long cpuBefore = cpuNanos(process);
            int renewedBefore = renewed.get();
            long windowStart = System.nanoTime();
            for (int i = 0; i < probes; i++) {
                long t0 = System.nanoTime();
                probe = client.renewLeadership(probe);
                long t1 = System.nanoTime();
                client.currentLeader("growth-probe");
                renews[i] = t1 - t0;
                observes[i] = System.nanoTime() - t1;
            }
            double windowSeconds = (System.nanoTime() - windowStart) / 1e9;
            long cpu = cpuNanos(process) - cpuBefore;
            int background = renewed.get() - renewedBefore;
            renewer.shutdownNow();
            return new Row(campaignsPerSecond, background / windowSeconds, Stats.percentile(renews, probes, 50),
                    Stats.percentile(renews, probes, 99), Stats.percentile(observes, probes, 50),
                    Stats.percentile(observes, probes, 99), cpu / 1e3 / (background + 2.0 * probes));
        } finally {
            renewer.shutdownNow();
            CorpusJob.deleteRecursively(data);
        }
    }

    private static Lease win(LeaderElectionClient client, String election) {
        CampaignResult result = client.becomeLeader(election, "holder", Duration.ZERO);
        return result.lease().orElseThrow(() -> new IllegalStateException(election + ": not elected"));
    }

    /** Renews one election's lease without blocking the scheduler; at most {@link #IN_FLIGHT} renewals at a time. */
    private static void renew(LeaderElectionClient client, AtomicReferenceArray<Lease> leases, int index,
            Semaphore inFlight, AtomicInteger renewed) {
        if (!inFlight.tryAcquire()) {
            return; // the sidecar is behind: skip this turn rather than queue without bound
        }
        CompletableFuture<Lease> call = client.renewLeadershipAsync(leases.get(index));
        call.whenComplete((lease, failure) -> {
            inFlight.release();
            if (failure == null) {
                leases.set(index, lease);
                renewed.incrementAndGet();
            }
        });
    }

    private static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().orElseThrow().toNanos();
    }
}

package io.patternkit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patternkit.management.ManagementServer;
import io.patternkit.core.SidecarConfig;
import io.patternkit.it.ScatterLeafMain.Hit;
import io.patternkit.leader.CampaignResult;
import io.patternkit.leader.Lease;
import io.patternkit.leader.LeaderElectionClient;
import io.patternkit.scatter.GatherResult;
import io.patternkit.scatter.Hedging;
import io.patternkit.scatter.Merger;
import io.patternkit.scatter.ScatterClient;
import io.patternkit.scatter.ScatterLeaf;
import io.patternkit.scatter.ScatterOptions;
import io.patternkit.testing.SidecarProcess;
import io.patternkit.workqueue.Enqueue;
import io.patternkit.workqueue.WorkItem;
import io.patternkit.workqueue.WorkQueue;
import io.patternkit.workqueue.WorkQueueClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One {@code patternkit-sidecar run} process serving every pattern on one port: the work-queue
 * and leader-election compatibility kits and a scatter/gather round all run against the same
 * process, and a kill -9 of such a process loses no queue item and hands leadership over within
 * the lease.
 */
class OneSidecarIT {
    /** The leader kit's durations (3 s lease, 1.5 s renew deadline) and the queue kit's options. */
    private static final String[] ARGS = Stream.concat(Stream.of("--lease-duration", "3s", "--renew-deadline", "1500ms",
            "--retry-period", "200ms"), Stream.of(SidecarWorkQueueCompatibilityIT.KIT_OPTIONS)).toArray(String[]::new);
    private static SidecarProcess sidecar;

    @BeforeAll
    static void startTheOneSidecar() {
        sidecar = SidecarProcess.run().args(ARGS).start();
    }

    @AfterAll
    static void stopTheOneSidecar() {
        if (sidecar != null) {
            sidecar.close();
        }
    }

    private static SidecarConfig config(URI baseUrl) {
        return SidecarConfig.builder().baseUrl(baseUrl).callTimeout(Duration.ofSeconds(5))
                .retryBackoff(Duration.ofMillis(50)).build();
    }

    @Test
    void oneReadinessAndOneMetricsEndpointServeEveryPatternWithNamesApartFromTheSdks() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        assertThat(get(http, "/healthz/ready").statusCode()).isEqualTo(200);
        try (WorkQueueClient queues = WorkQueueClient.create(config(sidecar.baseUrl()));
                LeaderElectionClient leaders = LeaderElectionClient.create(config(sidecar.baseUrl()));
                ScatterClient scatter = ScatterClient.create(config(sidecar.baseUrl()))) {
            queues.queue("metrics").enqueue(Enqueue.json("{}"));
            leaders.becomeLeader("metrics", "probe", Duration.ZERO);
            scatter.leaves("metrics");
        }
        String scrape = get(http, "/metrics").body();
        assertThat(scrape)
                .contains("route=\"/v1/queues/:queue/items\"")
                .contains("route=\"/v1/elections/:election/campaign\"")
                .contains("route=\"/v1/pools/:pool/leaves\"")
                .contains("patternkit_leader_is_leader{");
        for (String meter : sdkMeterNames()) {
            String series = meter.replace('.', '_');
            assertThat(scrape).as("the SDK's meter %s is not a sidecar series too", meter)
                    .doesNotContain(series + "{", series + "_total{", series + "_seconds", series + " ");
        }
    }

    /** The meter names the SDK's metric classes declare (public constants starting {@code patternkit.}). */
    private static List<String> sdkMeterNames() throws IllegalAccessException {
        List<String> names = new ArrayList<>();
        for (Class<?> type : List.of(io.patternkit.core.ClientMetrics.class, io.patternkit.leader.LeaderMetrics.class,
                io.patternkit.scatter.ScatterMetrics.class, io.patternkit.workqueue.WorkQueueMetrics.class)) {
            for (java.lang.reflect.Field field : type.getFields()) {
                if (field.getType() == String.class && java.lang.reflect.Modifier.isStatic(field.getModifiers())
                        && ((String) field.get(null)).startsWith("patternkit.")) {
                    names.add((String) field.get(null));
                }
            }
        }
        assertThat(names).isNotEmpty();
        return names;
    }

    private static HttpResponse<String> get(HttpClient http, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(sidecar.baseUrl().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The work-queue kit against the one process. */
    @Nested
    class WorkQueueKit extends SidecarWorkQueueCompatibilityIT.Kit {
        @Override
        URI sidecarUrl() {
            return sidecar.baseUrl();
        }
    }

    /** The leader-election kit against the same process (SQLite, its default engine). */
    @Nested
    class LeaderKit extends SidecarLeaderElectionCompatibilityIT.Kit {
        @Override
        LeaderEngine engine() {
            return LeaderEngine.SQLITE;
        }

        @Override
        SidecarProcess sidecarForKit() {
            return sidecar;
        }

        @Override
        boolean ownsSidecar() {
            return false;
        }
    }

    /** The scatter/gather kit against the same process, with leaves in this JVM. */
    @Nested
    class ScatterKit extends SidecarScatterCompatibilityIT.Kit {
        @Override
        URI rootUrl() {
            return sidecar.baseUrl();
        }
    }

    /** A scatter/gather round through the same process: two leaves in this JVM, one per shard. */
    @Test
    void aScatterRoundGathersEveryShard() {
        String pool = "one-" + UUID.randomUUID().toString().substring(0, 8);
        try (ScatterClient root = ScatterClient.create(config(sidecar.baseUrl()));
                ManagementServer s1 = ManagementServer.builder().build().start();
                ManagementServer s2 = ManagementServer.builder().build().start();
                ScatterLeaf a = leaf(root, s1, pool, "s1");
                ScatterLeaf b = leaf(root, s2, pool, "s2")) {
            await().atMost(10, TimeUnit.SECONDS).until(() -> a.isRegistered() && b.isRegistered());
            GatherResult<List<Hit>> result = root.scatter(pool, "q", Hit.class, Merger.toList(),
                    ScatterOptions.builder().deadline(Duration.ofSeconds(5)).hedging(Hedging.disabled()).build());
            assertThat(result.isComplete()).isTrue();
            assertThat(result.value()).extracting(Hit::shard).containsExactlyInAnyOrder("s1", "s2");
        }
    }

    private static ScatterLeaf leaf(ScatterClient root, ManagementServer server, String pool, String shard) {
        return ScatterLeaf.builder(root, server).pool(pool).shard(shard).leafId("leaf-" + shard).ttl(Duration.ofSeconds(10))
                .handler(String.class, (query, ctx) -> new Hit(shard, "leaf-" + shard, ctx.attempt())).start();
    }

    /**
     * Two one-sidecar processes on one machine's SQLite file, as two pods' sidecars share a
     * database: the first is killed with SIGKILL while it holds the lease and 20 claimed items.
     * The second hands leadership to its waiting candidate within the lease duration plus a retry
     * period, and delivers every one of the 100 items (the claimed ones once their visibility
     * timeout lapses).
     */
    @Test
    void aKilledOneSidecarLosesNoItemAndHandsLeadershipOverWithinTheLease(@TempDir Path tmp) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        try (SidecarProcess first = SidecarProcess.run("workqueue", "leader").dataDir(data).args(ARGS).start();
                SidecarProcess second = SidecarProcess.run("workqueue", "leader").dataDir(data).args(ARGS).start();
                WorkQueueClient queues1 = WorkQueueClient.create(config(first.baseUrl()));
                WorkQueueClient queues2 = WorkQueueClient.create(config(second.baseUrl()));
                LeaderElectionClient leaders1 = LeaderElectionClient.create(config(first.baseUrl()));
                LeaderElectionClient leaders2 = LeaderElectionClient.create(config(second.baseUrl()))) {
            String queueName = "kill-" + UUID.randomUUID().toString().substring(0, 8);
            WorkQueue queue = queues1.queue(queueName);
            Set<String> enqueued = new HashSet<>();
            for (int i = 0; i < 100; i++) {
                enqueued.add(queue.enqueue(Enqueue.json("{\"n\":" + i + "}")).id());
            }
            assertThat(queue.claim(20, Duration.ofSeconds(2), Duration.ZERO)).hasSize(20);
            Lease lease = leaders1.becomeLeader("one", "first", Duration.ZERO).lease().orElseThrow();
            leaders1.renewLeadership(lease);
            CompletableFuture<CampaignResult> successor = leaders2.becomeLeaderAsync("one", "second", Duration.ofSeconds(15));

            long killedAt = System.nanoTime();
            first.kill();
            CampaignResult won = successor.get(15, TimeUnit.SECONDS);
            Duration handover = Duration.ofNanos(System.nanoTime() - killedAt);
            assertThat(won.elected()).isTrue();
            assertThat(won.lease().orElseThrow().fencingToken()).isGreaterThan(lease.fencingToken());
            assertThat(handover).as("handover after kill -9").isLessThan(Duration.ofMillis(3_000 + 200 + 1_500));

            WorkQueue survivor = queues2.queue(queueName);
            List<String> delivered = new ArrayList<>();
            await().atMost(30, TimeUnit.SECONDS).until(() -> {
                for (WorkItem item : survivor.claim(50, Duration.ofSeconds(30), Duration.ofMillis(500))) {
                    delivered.add(item.id());
                    survivor.ack(item.receipt());
                }
                return delivered.size() >= enqueued.size();
            });
            assertThat(delivered).containsExactlyInAnyOrderElementsOf(enqueued);
        }
    }
}

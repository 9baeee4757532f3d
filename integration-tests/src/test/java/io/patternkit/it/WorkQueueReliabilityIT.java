package io.patternkit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patternkit.core.SidecarConfig;
import io.patternkit.testing.SidecarProcess;
import io.patternkit.workqueue.DeadLetter;
import io.patternkit.workqueue.Enqueue;
import io.patternkit.workqueue.QueueStats;
import io.patternkit.workqueue.WorkHandler;
import io.patternkit.workqueue.WorkItem;
import io.patternkit.workqueue.WorkQueue;
import io.patternkit.workqueue.WorkQueueClient;
import io.patternkit.workqueue.WorkQueueConsumer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The work queue through real sidecar processes on real engines, with faults: several consumers on
 * one queue, {@code kill -9} of an app and of sidecars, and a long run with repeated kills.
 */
class WorkQueueReliabilityIT {
    @TempDir
    Path tmp;

    private final Resources resources = new Resources();
    private final String queueName = "it-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void closeAll() throws Exception {
        resources.close();
    }

    private <T extends AutoCloseable> T track(T resource) {
        return resources.track(resource);
    }

    private SidecarProcess sidecar(Engine engine, int port) {
        return track(engine.sidecar(tmp.resolve("data"), port).start());
    }

    private WorkQueue queue(SidecarProcess sidecar) {
        WorkQueueClient client = track(WorkQueueClient.create(SidecarConfig.builder().baseUrl(sidecar.baseUrl())
                .callTimeout(Duration.ofSeconds(5)).retryBackoff(Duration.ofMillis(50)).build()));
        return client.queue(queueName);
    }

    private static List<Enqueue> numbered(int count, int maxAttempts) {
        return IntStream.range(0, count)
                .mapToObj(i -> Enqueue.json("{\"n\":" + i + "}").dedupKey("n-" + i).maxAttempts(maxAttempts))
                .toList();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void consumersOnSeveralSidecarsNeverProcessOneItemConcurrently(Engine engine) {
        assumeTrue(engine.available(), "PATTERNKIT_TEST_JDBC_URL not set");
        SidecarProcess a = sidecar(engine, 0);
        SidecarProcess b = sidecar(engine, 0);
        WorkQueue qa = queue(a);
        WorkQueue qb = queue(b);
        qa.enqueueAll(numbered(400, 5));

        Set<String> inProgress = ConcurrentHashMap.newKeySet();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger completions = new AtomicInteger();
        Set<String> processed = ConcurrentHashMap.newKeySet();
        WorkHandler handler = item -> {
            if (!inProgress.add(item.id())) {
                overlaps.incrementAndGet();
            }
            busyWork(item);
            inProgress.remove(item.id());
            processed.add(item.id());
            completions.incrementAndGet();
        };
        for (WorkQueue q : List.of(qa, qb)) {
            track(WorkQueueConsumer.builder(q, handler).concurrency(4).batchSize(8)
                    .visibilityTimeout(Duration.ofSeconds(10)).pollWait(Duration.ofSeconds(1)).build()).start();
        }

        await().atMost(2, TimeUnit.MINUTES).until(() -> qa.stats().acked() == 400);
        assertThat(overlaps).hasValue(0);
        assertThat(processed).hasSize(400);
        assertThat(completions).as("no redelivery within the visibility timeout").hasValue(400);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void itemOfAnAppKilledMidItemIsRedelivered(Engine engine) throws Exception {
        assumeTrue(engine.available(), "PATTERNKIT_TEST_JDBC_URL not set");
        SidecarProcess sidecar = sidecar(engine, 0);
        WorkQueue q = queue(sidecar);
        String id = q.enqueue(Enqueue.json("{\"n\":1}")).id();
        Path marker = tmp.resolve("marker");

        Process app = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), BlockingConsumerMain.class.getName(),
                sidecar.baseUrl().toString(), queueName, marker.toString(), "PT1S")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("app.log").toFile()).start();
        try {
            await().atMost(1, TimeUnit.MINUTES).until(() -> Files.exists(marker) && !Files.readString(marker).isEmpty());
            assertThat(Files.readString(marker)).isEqualTo(id);
            new ProcessBuilder("kill", "-9", Long.toString(app.pid())).start().waitFor();
            assertThat(app.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            app.destroyForcibly();
        }

        List<WorkItem> again = new ArrayList<>();
        await().atMost(30, TimeUnit.SECONDS).until(() -> {
            again.addAll(q.claim(1, Duration.ofSeconds(30), Duration.ofSeconds(2)));
            return !again.isEmpty();
        });
        assertThat(again.get(0).id()).isEqualTo(id);
        assertThat(again.get(0).attempt()).isEqualTo(2);
        assertThat(again.get(0).isRedelivery()).isTrue();
        q.ack(again.get(0));
        assertThat(q.stats().acked()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void sidecarKilledAndRestartedLosesNothingAndTheSdkRecovers(Engine engine) {
        assumeTrue(engine.available(), "PATTERNKIT_TEST_JDBC_URL not set");
        int port = Ports.free();
        SidecarProcess first = sidecar(engine, port);
        WorkQueue q = queue(first);
        q.enqueueAll(numbered(300, 10));
        Set<String> processed = ConcurrentHashMap.newKeySet();
        track(WorkQueueConsumer.builder(q, item -> {
            busyWork(item);
            processed.add(item.dedupKey().orElseThrow());
        }).concurrency(4).batchSize(8).visibilityTimeout(Duration.ofSeconds(2)).pollWait(Duration.ofSeconds(1)).build()).start();

        await().atMost(1, TimeUnit.MINUTES).until(() -> processed.size() >= 100);
        first.kill();
        sidecar(engine, port);

        await().atMost(2, TimeUnit.MINUTES).ignoreExceptions().until(() -> q.stats().acked() == 300);
        assertThat(processed).hasSize(300);
        QueueStats stats = q.stats();
        assertThat(stats.dead()).isZero();
        assertThat(stats.ready() + stats.inFlight() + stats.delayed()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void tenThousandItemsWithRepeatedSidecarKillsEndAckedOrDeadAndNoneLost(Engine engine) {
        assumeTrue(engine.available(), "PATTERNKIT_TEST_JDBC_URL not set");
        int total = 10_000;
        int[] ports = {Ports.free(), Ports.free()};
        SidecarProcess[] sidecars = {sidecar(engine, ports[0]), sidecar(engine, ports[1])};
        WorkQueue[] queues = {queue(sidecars[0]), queue(sidecars[1])};
        queues[0].enqueueAll(numbered(total, 10));

        Set<String> processed = ConcurrentHashMap.newKeySet();
        for (WorkQueue q : queues) {
            track(WorkQueueConsumer.builder(q, item -> processed.add(item.dedupKey().orElseThrow()))
                    .concurrency(4).batchSize(50).visibilityTimeout(Duration.ofSeconds(2))
                    .pollWait(Duration.ofSeconds(1)).build()).start();
        }

        for (int round = 1; round <= 4; round++) {
            int threshold = round * total / 5;
            await().atMost(2, TimeUnit.MINUTES).until(() -> processed.size() >= threshold);
            int victim = round % 2;
            sidecars[victim].kill();
            sidecars[victim] = sidecar(engine, ports[victim]);
        }

        WorkQueue q = queues[0];
        await().atMost(3, TimeUnit.MINUTES).ignoreExceptions().until(() -> {
            QueueStats s = q.stats();
            return s.acked() + s.dead() == total && s.ready() + s.inFlight() + s.delayed() == 0;
        });
        Set<String> settled = new HashSet<>(processed);
        for (DeadLetter d : q.deadLetters(1000)) {
            settled.add(d.dedupKey().orElseThrow());
        }
        Set<String> expected = new HashSet<>();
        IntStream.range(0, total).forEach(i -> expected.add("n-" + i));
        assertThat(settled).as("every item processed or dead-lettered, none lost").containsAll(expected);
    }

    /** A little CPU work, so that handlers overlap in time the way real ones do. */
    private static void busyWork(WorkItem item) {
        long h = item.id().hashCode();
        for (int i = 0; i < 20_000; i++) {
            h = h * 31 + i;
        }
        if (h == 42) {
            throw new IllegalStateException("unreachable in practice; keeps the loop from being optimised away");
        }
    }
}

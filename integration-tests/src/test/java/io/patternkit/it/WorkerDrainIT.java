package io.patternkit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patternkit.core.SidecarConfig;
import io.patternkit.testing.AppProcess;
import io.patternkit.testing.SidecarProcess;
import io.patternkit.workqueue.Enqueue;
import io.patternkit.workqueue.QueueStats;
import io.patternkit.workqueue.WorkItem;
import io.patternkit.workqueue.WorkQueue;
import io.patternkit.workqueue.WorkQueueClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The drain of a worker replica through real processes, as Kubernetes stops a pod: SIGTERM to the app
 * and to its sidecar at the same moment. The sidecar must keep serving its app until the app has drained,
 * so that every item the app held is finished or given back at once, and none is left to wait out its
 * visibility timeout (here a minute, long enough that a stranded item shows as in flight). The control
 * case, a sidecar that drains at once ({@code --app-drain-timeout 0}), shows what the wait prevents.
 */
class WorkerDrainIT {
    private static final Duration VISIBILITY = Duration.ofMinutes(1);
    @TempDir
    Path tmp;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final String queueName = "drain-" + UUID.randomUUID();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private SidecarProcess sidecar(Engine engine, Duration appDrainTimeout) {
        SidecarProcess s = engine.sidecar(tmp.resolve("data"), 0).appDrainTimeout(appDrainTimeout).build();
        open.add(s);
        return s.start();
    }

    private WorkQueue observer(Engine engine) {
        WorkQueueClient client = WorkQueueClient.create(SidecarConfig.builder().baseUrl(sidecar(engine, Duration.ZERO)
                .baseUrl()).build());
        open.add(client);
        return client.queue(queueName);
    }

    private AppProcess worker(SidecarProcess sidecar, AppProcess.Events events, int concurrency, int batch,
            long handlerMs, Duration drainDeadline) {
        AppProcess app = AppProcess.start("worker", List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DrainingWorkerMain.class.getName(),
                sidecar.baseUrl().toString(), queueName, Integer.toString(concurrency), Integer.toString(batch),
                Long.toString(handlerMs), drainDeadline.toString(), VISIBILITY.toString()),
                Map.of(), Path.of("target", queueName + "-worker.log"), events);
        open.add(app::kill);
        return app;
    }

    /** SIGTERM to both at once; returns the worker's drain report once both have exited. */
    private static AppProcess.Event terminateTogether(AppProcess app, SidecarProcess sidecar, AppProcess.Events events)
            throws InterruptedException {
        CompletableFuture<Integer> sidecarExit = CompletableFuture.supplyAsync(() -> sidecar.terminate(Duration.ofSeconds(60)));
        assertThat(app.terminate(Duration.ofSeconds(60))).as("the worker's exit status").isEqualTo(143);
        sidecarExit.join();
        return events.await("the drain report", e -> e.is("DRAINED"), 1, Duration.ofSeconds(10)).get(0);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void underLoadEveryHeldItemIsFinishedOrGivenBackWhileTheSidecarWaitsForItsApp(Engine engine) throws Exception {
        assumeTrue(engine.available(), "PATTERNKIT_TEST_JDBC_URL not set");
        WorkQueue queue = observer(engine);
        queue.enqueueAll(IntStream.range(0, 400).mapToObj(i -> Enqueue.json("{\"n\":" + i + "}")).toList());
        SidecarProcess sidecar = sidecar(engine, Duration.ofSeconds(20));
        AppProcess.Events events = new AppProcess.Events();
        AppProcess app = worker(sidecar, events, 4, 16, 50, Duration.ofSeconds(10));
        await().atMost(Duration.ofMinutes(1)).until(() -> queue.stats().acked() >= 40);

        AppProcess.Event drained = terminateTogether(app, sidecar, events);

        assertThat(drained.number("stranded")).isZero();
        assertThat(drained.number("completed") + drained.number("released")).as("the worker held items").isPositive();
        QueueStats stats = queue.stats();
        assertThat(stats.inFlight()).as("nothing left to wait out its visibility timeout").isZero();
        assertThat(stats.acked() + stats.ready()).isEqualTo(400);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aHandlerLongerThanTheDeadlineIsCutOffAndItsItemIsClaimableAtOnce(Engine engine) throws Exception {
        assumeTrue(engine.available(), "PATTERNKIT_TEST_JDBC_URL not set");
        WorkQueue queue = observer(engine);
        String id = queue.enqueue(Enqueue.json("{\"n\":1}")).id();
        SidecarProcess sidecar = sidecar(engine, Duration.ofSeconds(20));
        AppProcess.Events events = new AppProcess.Events();
        AppProcess app = worker(sidecar, events, 1, 1, -1, Duration.ofSeconds(1));
        events.await("a handler holding the item", e -> e.is("HANDLING"), 1, Duration.ofMinutes(1));

        AppProcess.Event drained = terminateTogether(app, sidecar, events);

        assertThat(drained.number("released")).isEqualTo(1);
        assertThat(drained.number("stranded")).isZero();
        assertThat(drained.number("tookMs")).as("within the 1 s deadline, give or take a step").isLessThan(2_000);
        List<WorkItem> again = queue.claim(1, Duration.ofSeconds(30), Duration.ZERO);
        assertThat(again).singleElement().satisfies(item -> {
            assertThat(item.id()).isEqualTo(id);
            assertThat(item.attempt()).isEqualTo(2);
        });
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void controlASidecarThatStopsFirstStrandsWhatItsAppHeld(Engine engine) throws Exception {
        assumeTrue(engine.available(), "PATTERNKIT_TEST_JDBC_URL not set");
        WorkQueue queue = observer(engine);
        queue.enqueue(Enqueue.json("{\"n\":1}"));
        SidecarProcess sidecar = sidecar(engine, Duration.ZERO);
        AppProcess.Events events = new AppProcess.Events();
        AppProcess app = worker(sidecar, events, 1, 1, -1, Duration.ofSeconds(5));
        // The handler must hold the item: one still in the consumer's buffer is released at once, and that release
        // can reach the sidecar before it has stopped serving.
        events.await("a handler holding the item", e -> e.is("HANDLING"), 1, Duration.ofMinutes(1));

        AppProcess.Event drained = terminateTogether(app, sidecar, events);

        assertThat(drained.number("stranded")).as("the release found no sidecar").isEqualTo(1);
        assertThat(queue.stats().inFlight()).as("it waits out its visibility timeout").isEqualTo(1);
    }
}

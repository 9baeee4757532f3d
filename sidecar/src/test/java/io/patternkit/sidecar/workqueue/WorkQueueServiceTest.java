package io.patternkit.sidecar.workqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.patternkit.sidecar.common.Ticker;
import io.patternkit.sidecar.engine.sqlite.SqliteQueueEngine;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service on a real SQLite engine whose claims can be held at a gate, to order them against a client's going. */
class WorkQueueServiceTest {
    private static final String QUEUE = "q";

    @TempDir
    Path dir;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final CountDownLatch claimEntered = new CountDownLatch(1);
    private final CountDownLatch claimGate = new CountDownLatch(1);
    private Vertx vertx;
    private QueueEngine engine;
    private volatile java.util.function.Consumer<String> foreignWriteListener;
    /** What {@link #counting} counted, by name. */
    private final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> calls = new java.util.concurrent.ConcurrentHashMap<>();
    private WorkQueueService service;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        engine = SqliteQueueEngine.open(dir.resolve("patternkit.db"), Clock.systemUTC(), new Backoff(1_000, 4_000));
        service = new WorkQueueService(vertx, gatedClaims(engine), new WorkQueueMetrics(registry, Ticker.system()),
                new ReceiptCodec(new byte[32]));
    }

    @AfterEach
    void stop() {
        claimGate.countDown();
        vertx.close().await();
        engine.close();
    }

    /** The engine, whose first claim waits at {@link #claimGate} once it has counted down {@link #claimEntered}. */
    private QueueEngine gatedClaims(QueueEngine inner) {
        return (QueueEngine) Proxy.newProxyInstance(QueueEngine.class.getClassLoader(), new Class<?>[] {QueueEngine.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("claim") && claimEntered.getCount() > 0) {
                        claimEntered.countDown();
                        assertThat(claimGate.await(30, TimeUnit.SECONDS)).isTrue();
                    }
                    try {
                        return method.invoke(inner, args == null ? new Object[0] : Arrays.copyOf(args, args.length));
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void anItemClaimedForAClientThatWentAwayIsReadyAgainWithoutUsingAnAttempt() throws Exception {
        engine.enqueue(QUEUE, List.of(new NewItem("1", null, null, 0, 0, 1, 60_000))); // one attempt only
        Promise<Void> clientGone = Promise.promise();
        Future<List<ClaimedItem>> claim = service.claim(QUEUE, new ClaimRequest(1, 60_000, 0), clientGone.future());
        assertThat(claimEntered.await(10, TimeUnit.SECONDS)).isTrue();

        clientGone.complete(); // the client closes its connection while the engine claims for it
        // Another call's task, queued on the service's context after the one the closed connection queued: once it
        // has run, the claim is known to be abandoned.
        service.endClaim(QUEUE, "unrelated").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        claimGate.countDown();
        await().atMost(Duration.ofSeconds(10)).until(claim::isComplete);

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            var givenBack = registry.find(WorkQueueMetrics.ITEMS).tags("queue", QUEUE, "event", "given_back").counter();
            return givenBack != null && givenBack.count() == 1.0;
        });
        assertThat(claim.result()).isEmpty();
        List<ClaimedItem> again = engine.claim(QUEUE, 1, 60_000);
        assertThat(again).as("not dead-lettered: the delivery nobody received took no attempt").singleElement()
                .satisfies(item -> assertThat(item.attempt()).isEqualTo(1));
        assertThat(engine.stats(QUEUE).dead()).isZero();
    }

    /** The engine, whose purges run {@code purge} instead, counted in {@code purges}. */
    private QueueEngine purgingWith(QueueEngine inner, java.util.concurrent.atomic.AtomicInteger purges,
            java.util.concurrent.Callable<Integer> purge) {
        return (QueueEngine) Proxy.newProxyInstance(QueueEngine.class.getClassLoader(), new Class<?>[] {QueueEngine.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("purgeAcked")) {
                        purges.incrementAndGet();
                        return purge.call();
                    }
                    try {
                        return method.invoke(inner, args == null ? new Object[0] : Arrays.copyOf(args, args.length));
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** A claim takes due delayed items as they are; housekeeping makes them ready, so claims need not sort a burst. */
    @Test
    void housekeepingMakesDelayedItemsWhoseDelayHasEndedReady() throws Exception {
        service.enqueue(QUEUE, List.of(new NewItem("{}", null, null, 200, 0, 5, 60_000),
                new NewItem("{}", null, null, 3_600_000, 0, 5, 60_000))).await();
        service.startHousekeeping(50);
        await().atMost(Duration.ofSeconds(10)).until(() -> states().equals(List.of("ready", "delayed")));
        service.drain();
    }

    private List<String> states() throws java.sql.SQLException {
        List<String> states = new java.util.ArrayList<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("patternkit.db"));
                java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT state FROM workqueue_items ORDER BY id")) {
            while (rs.next()) {
                states.add(rs.getString(1));
            }
        }
        return states;
    }

    @Test
    void aPurgeThatOutlastsItsPeriodIsNotJoinedByTheNext() {
        java.util.concurrent.atomic.AtomicInteger purges = new java.util.concurrent.atomic.AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        WorkQueueService purging = new WorkQueueService(vertx, purgingWith(engine, purges, () -> {
            assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
            return 0;
        }), new WorkQueueMetrics(registry, Ticker.system()), new ReceiptCodec(new byte[32]));
        try {
            purging.startPurging(2_000); // a pass every second
            await().atMost(Duration.ofSeconds(10)).until(() -> purges.get() == 1);
            await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(5)).until(() -> purges.get() == 1);
            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> purges.get() >= 2); // the next, once it has ended
        } finally {
            release.countDown();
            purging.drain();
        }
    }

    /** A retried ack (its first answer lost) finds its item still kept after purges even with a dedup window of 0. */
    @Test
    void aRetriedAckSucceedsAfterThePurgeHasRunEvenWithADedupWindowOfZero() {
        ReceiptCodec codec = new ReceiptCodec(new byte[32]);
        WorkQueueService purging = new WorkQueueService(vertx, counting(engine, true),
                new WorkQueueMetrics(registry, Ticker.system()), codec);
        try {
            purging.enqueue(QUEUE, List.of(new NewItem("{}", null, null, 0, 0, 5, 0))).await();
            String receipt = codec.encode(purging.claim(QUEUE, new ClaimRequest(1, 60_000, 0), Promise.<Void>promise()
                    .future()).await().get(0).receipt());
            purging.ack(QUEUE, receipt).await();
            purging.startPurging(0); // a pass every second
            await().atMost(Duration.ofSeconds(10)).until(() -> count("purgeAcked") >= 2);
            assertThat(purging.ack(QUEUE, receipt).await()).isNull(); // not stale
            assertThat(engine.stats(QUEUE).acked()).isEqualTo(1);
        } finally {
            purging.drain();
        }
    }

    @Test
    void aPurgeThatKeepsFailingWarnsOnceAndSaysWhenItRecovers() {
        java.util.concurrent.atomic.AtomicInteger purges = new java.util.concurrent.atomic.AtomicInteger();
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        ch.qos.logback.classic.Logger log =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(WorkQueueService.class);
        log.addAppender(logs);
        ch.qos.logback.classic.Level level = log.getLevel();
        log.setLevel(ch.qos.logback.classic.Level.DEBUG);
        WorkQueueService purging = new WorkQueueService(vertx, purgingWith(engine, purges, () -> {
            if (purges.get() <= 3) {
                throw new io.patternkit.sidecar.common.EngineException("database or disk is full", null);
            }
            return 0;
        }), new WorkQueueMetrics(registry, Ticker.system()), new ReceiptCodec(new byte[32]));
        try {
            purging.startPurging(2_000);
            await().atMost(Duration.ofSeconds(15)).until(() -> logs.list.stream()
                    .anyMatch(e -> e.getFormattedMessage().contains("succeeded again after 3 failed passes")));
            assertThat(logs.list).filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                    .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).singleElement()
                    .satisfies(m -> assertThat(m).startsWith("purging acked items past the dedup window failed")
                            .contains("database or disk is full"));
        } finally {
            log.setLevel(level);
            log.detachAppender(logs);
            purging.drain();
        }
    }

    /**
     * The engine, counting its calls by name in {@link #calls} (claims and their next-visibility reads by queue too, as
     * {@code claim:q}; {@code waiting(true)} as {@code park:true}, a park while only one queue has claims parked);
     * unless {@code foreignWrites}, it reports no writes of other processes, not even its own
     * writes that SQLite's {@code data_version} watch takes for another process's a few milliseconds later: the
     * service's listener is left in {@link #foreignWriteListener} for the test to call.
     */
    private QueueEngine counting(QueueEngine inner, boolean foreignWrites) {
        return (QueueEngine) Proxy.newProxyInstance(QueueEngine.class.getClassLoader(), new Class<?>[] {QueueEngine.class},
                (proxy, method, args) -> {
                    String name = method.getName().equals("waiting") ? "park:" + args[0] : method.getName();
                    calls.computeIfAbsent(name, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
                    if (name.equals("claim") || name.equals("millisUntilNextVisible")) { // and by queue
                        calls.computeIfAbsent(name + ":" + args[0], k -> new java.util.concurrent.atomic.AtomicInteger())
                                .incrementAndGet();
                    }
                    if (name.equals("onExternalChange") && !foreignWrites) {
                        @SuppressWarnings("unchecked")
                        java.util.function.Consumer<String> listener = (java.util.function.Consumer<String>) args[0];
                        foreignWriteListener = listener; // for the test to call
                        return null;
                    }
                    try {
                        return method.invoke(inner, args == null ? new Object[0] : Arrays.copyOf(args, args.length));
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private WorkQueueService serviceOn(QueueEngine on) {
        return new WorkQueueService(vertx, on, new WorkQueueMetrics(registry, Ticker.system()), new ReceiptCodec(new byte[32]));
    }

    private int count(String name) {
        java.util.concurrent.atomic.AtomicInteger n = calls.get(name);
        return n == null ? 0 : n.get();
    }

    /** With C claims parked, one enqueued item costs two claim queries (the woken claim's, and the next's that it hands on to), not C. */
    @Test
    void anEnqueuedItemWakesOneParkedClaimNotEveryOne() {
        WorkQueueService herd = serviceOn(counting(engine, false));
        int parked = 8;
        List<Future<List<ClaimedItem>>> claims = new java.util.ArrayList<>();
        for (int i = 0; i < parked; i++) {
            claims.add(herd.claim(QUEUE, new ClaimRequest(1, 60_000, 30_000), Promise.<Void>promise().future()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> count("park:true") == parked);
        assertThat(count("claim")).isEqualTo(parked);

        herd.enqueue(QUEUE, List.of(new NewItem("{}", null, null, 0, 0, 5, 60_000))).await();
        await().atMost(Duration.ofSeconds(10)).until(() -> claims.stream().filter(Future::isComplete).count() == 1);
        // Settled: a claim has parked again, every claim query but the one that found the item has asked when the
        // next item is due (as an empty query does), and no further query starts.
        await().atMost(Duration.ofSeconds(10)).until(() -> count("park:true") > parked
                && count("claim") == count("millisUntilNextVisible") + 1);
        int settled = count("claim");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> count("claim") == settled);
        assertThat(claims.stream().filter(Future::isComplete).findFirst().orElseThrow().result()).hasSize(1);
        assertThat(settled - parked).as("claim queries after the enqueue").isEqualTo(2);
        herd.drain();
    }

    /**
     * The claim that looked last may end its wait before the queue's next item is due: it hands on, so a claim
     * parked longer (whose timer was set when the queue was empty) looks again and takes the item when it is due,
     * not at the end of its own wait.
     */
    @Test
    void aClaimWhoseWaitEndsHandsOnSoTheNextParkedClaimTakesADelayedItemWhenDue() {
        WorkQueueService handing = serviceOn(counting(engine, false));
        // Parked first, so woken first by the enqueue; its wait ends before the item is due.
        Future<List<ClaimedItem>> shortWait = handing.claim(QUEUE, new ClaimRequest(1, 60_000, 400), Promise.<Void>promise().future());
        await().atMost(Duration.ofSeconds(10)).until(() -> count("park:true") == 1);
        Future<List<ClaimedItem>> longWait = handing.claim(QUEUE, new ClaimRequest(1, 60_000, 20_000), Promise.<Void>promise().future());
        await().atMost(Duration.ofSeconds(10)).until(() -> count("park:true") == 2);

        handing.enqueue(QUEUE, List.of(new NewItem("{}", null, null, 1_500, 0, 5, 60_000))).await();
        await().atMost(Duration.ofSeconds(5)).until(shortWait::isComplete);
        assertThat(shortWait.result()).isEmpty();
        // Without the hand-on, the long wait's timer (set when the queue was empty) would sleep its whole 20 s.
        await().atMost(Duration.ofSeconds(8)).until(longWait::isComplete);
        assertThat(longWait.result()).hasSize(1);
        handing.drain();
    }

    /** SQLite cannot tell which queue another process wrote to: a parked claim of each queue looks again. */
    @Test
    void aWriteByAnotherProcessToAnUnnamedQueueWakesAParkedClaimOfEachQueue() {
        WorkQueueService watching = serviceOn(counting(engine, true));
        Future<List<ClaimedItem>> claim = watching.claim(QUEUE, new ClaimRequest(1, 60_000, 30_000), Promise.<Void>promise().future());
        Future<List<ClaimedItem>> other = watching.claim("other", new ClaimRequest(1, 60_000, 30_000), Promise.<Void>promise().future());
        await().atMost(Duration.ofSeconds(10)).until(() -> count("park:true") == 2);

        // Written past the service, as another process writes: the engine's data_version watch reports it, queue unknown.
        engine.enqueue(QUEUE, List.of(new NewItem("{}", null, null, 0, 0, 5, 60_000)));
        await().atMost(Duration.ofSeconds(5)).until(claim::isComplete);
        assertThat(claim.result()).hasSize(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> count("claim:other") >= 2); // it looked, too
        assertThat(other.isComplete()).isFalse();
        watching.drain();
    }

    /** An attempt that a foreign write wakes does not count that same write as one made during it, and look twice. */
    @Test
    void aForeignWriteTheEngineCannotPlaceCostsEachParkedQueueOneQuery() {
        WorkQueueService watching = serviceOn(counting(engine, false));
        for (String queue : List.of(QUEUE, "other", "third")) {
            watching.claim(queue, new ClaimRequest(1, 60_000, 30_000), Promise.<Void>promise().future());
            await().atMost(Duration.ofSeconds(10)).until(() -> count("millisUntilNextVisible:" + queue) == 1);
        }

        foreignWriteListener.accept(null);
        for (String queue : List.of(QUEUE, "other", "third")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> count("millisUntilNextVisible:" + queue) == 2);
        }
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> count("claim") == 6);
        watching.drain();
    }

    /** An engine that fails a parked claim's look does not fail every other parked claim of the queue in turn at once. */
    @Test
    void aFailedLookHandsOnWithinASecondNotAtOnce() {
        java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();
        QueueEngine counted = counting(engine, false);
        QueueEngine flaky = (QueueEngine) Proxy.newProxyInstance(QueueEngine.class.getClassLoader(), new Class<?>[] {QueueEngine.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("claim") && failing.get()) {
                        calls.computeIfAbsent("failed", k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
                        throw new io.patternkit.sidecar.common.EngineException("connection refused", null);
                    }
                    try {
                        return method.invoke(counted, args == null ? new Object[0] : Arrays.copyOf(args, args.length));
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        WorkQueueService outage = serviceOn(flaky);
        Future<List<ClaimedItem>> first = outage.claim(QUEUE, new ClaimRequest(1, 60_000, 300), Promise.<Void>promise().future());
        await().atMost(Duration.ofSeconds(10)).until(() -> count("millisUntilNextVisible") == 1);
        List<Future<List<ClaimedItem>>> others = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            others.add(outage.claim(QUEUE, new ClaimRequest(1, 60_000, 20_000), Promise.<Void>promise().future()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> count("millisUntilNextVisible") == 5);

        failing.set(true); // the first claim's wait ends: its last look fails, and it had parked
        await().atMost(Duration.ofSeconds(5)).until(first::isComplete);
        assertThat(first.failed()).isTrue();
        // One more look within the second after, not four at once.
        await().atMost(Duration.ofSeconds(5)).until(() -> count("failed") == 2);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> count("failed") == 2);
        assertThat(others.stream().filter(Future::failed).count()).isEqualTo(1);
        outage.drain();
    }
}

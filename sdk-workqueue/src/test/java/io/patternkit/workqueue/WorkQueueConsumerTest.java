package io.patternkit.workqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.patternkit.core.SidecarUnavailableException;
import io.patternkit.lifecycle.DrainPhase;
import io.patternkit.lifecycle.DrainReport;
import io.patternkit.lifecycle.HealthProbe;
import io.patternkit.lifecycle.HealthReport;
import io.patternkit.lifecycle.Lifecycle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkQueueConsumerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final FakeWorkQueue queue = new FakeWorkQueue();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final CountDownLatch gate = new CountDownLatch(1);
    private WorkQueueConsumer consumer;

    @AfterEach
    void stop() {
        gate.countDown();
        if (consumer != null) {
            consumer.drain(Duration.ofSeconds(5));
        }
    }

    private WorkQueueConsumer start(WorkHandler handler, int concurrency, Duration visibility) {
        consumer = WorkQueueConsumer.builder(queue, handler).concurrency(concurrency).visibilityTimeout(visibility)
                .pollWait(Duration.ofMillis(200)).meterRegistry(registry).build();
        consumer.start();
        return consumer;
    }

    private void awaitGate() throws InterruptedException {
        if (!gate.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("gate never opened");
        }
    }

    @Test
    void acksEveryItemWhenTheHandlerReturns() {
        for (int i = 0; i < 10; i++) {
            queue.add("{\"n\":" + i + "}", null);
        }
        AtomicInteger sum = new AtomicInteger();
        start(item -> sum.addAndGet(item.payloadAs(Payload.class).n()), 2, Duration.ofSeconds(30));
        await().atMost(WAIT).until(() -> queue.ops("ack").size() == 10);
        assertThat(sum.get()).isEqualTo(45);
        assertThat(consumer.stats().processed()).isEqualTo(10);
        assertThat(consumer.isRunning()).isTrue();
        assertThat(registry.get(WorkQueueMetrics.PROCESSED).counter().count()).isEqualTo(10);
    }

    record Payload(int n) {
    }

    @Test
    void aListenerThatFailsAnAssertionDoesNotStopTheConsumer() {
        for (int i = 0; i < 10; i++) {
            queue.add("{\"n\":" + i + "}", null);
        }
        AtomicInteger told = new AtomicInteger();
        consumer = WorkQueueConsumer.builder(queue, item -> { }).concurrency(2).visibilityTimeout(Duration.ofSeconds(30))
                .pollWait(Duration.ofMillis(200)).meterRegistry(registry).listener(new ConsumerListener() {
                    @Override
                    public void onProcessed(WorkItem item, Duration handlerTime) {
                        told.incrementAndGet();
                        throw new AssertionError("a listener's own check");
                    }
                }).build();
        consumer.start();
        // The acks ride on claims, so every item's ack needs the loop that runs the listener to go on.
        await().atMost(WAIT).until(() -> queue.ops("ack").size() == 10 && told.get() == 10);
        assertThat(consumer.isRunning()).isTrue();
    }

    @Test
    void theInFlightGaugeSumsTheRunningConsumersOfAQueueThatShareARegistryAndDropsADrainedOne() {
        for (int i = 0; i < 3; i++) {
            queue.add("{\"n\":" + i + "}", null);
        }
        WorkQueueConsumer first = blockedConsumer(1);
        consumer = first;
        await().atMost(WAIT).until(() -> queue.readyCount() == 2 && first.stats().inFlight() == 1);
        WorkQueueConsumer second = blockedConsumer(2);
        try {
            await().atMost(WAIT).until(() -> queue.readyCount() == 0 && second.stats().inFlight() == 2);
            assertThat(inFlightGauge()).isEqualTo(3);

            first.drain(Duration.ofMillis(100));
            assertThat(inFlightGauge()).as("the drained consumer's item went back").isEqualTo(2);

            WorkQueueConsumer rebuilt = blockedConsumer(1); // as a restarted application rebuilds its consumer
            consumer = rebuilt;
            await().atMost(WAIT).until(() -> queue.readyCount() == 0 && rebuilt.stats().inFlight() == 1);
            assertThat(inFlightGauge()).isEqualTo(3);
        } finally {
            gate.countDown();
            second.drain(Duration.ofSeconds(5));
        }
    }

    @Test
    void theInFlightGaugeIsRegisteredAgainByTheNextConsumerAfterTheLastOneTookItOut() {
        blockedConsumer(1).drain(Duration.ofMillis(100));
        assertThat(registry.find(WorkQueueMetrics.IN_FLIGHT).gauge()).isNull();
        queue.add("{}", null);
        consumer = blockedConsumer(1);
        await().atMost(WAIT).until(() -> consumer.stats().inFlight() == 1);
        assertThat(inFlightGauge()).isEqualTo(1);
    }

    /** An application that opens and closes consumers per tenant or per job must not pile up series. */
    @Test
    void theMetersOfAQueueLeaveTheRegistryWhenItsLastConsumerThereHasDrained() {
        queue.add("{}", null);
        WorkQueueConsumer first = start(item -> { }, 1, Duration.ofSeconds(30));
        await().atMost(WAIT).until(() -> queue.ops("ack").size() == 1);
        WorkQueueConsumer second = blockedConsumer(1);
        first.drain(Duration.ofSeconds(5));
        assertThat(queueMeters()).as("the second consumer still counts in them").contains(WorkQueueMetrics.PROCESSED,
                WorkQueueMetrics.FAILED, WorkQueueMetrics.HANDLER, WorkQueueMetrics.IN_FLIGHT);
        assertThat(registry.get(WorkQueueMetrics.PROCESSED).counter().count()).isEqualTo(1);
        second.drain(Duration.ofSeconds(5));
        assertThat(queueMeters()).isEmpty();
    }

    @Test
    void aConsumerBuiltWhenItsLifecycleIsDrainingLeavesNoMetersBehind() {
        Lifecycle draining = Lifecycle.create();
        draining.drain(Duration.ofSeconds(1));
        assertThatThrownBy(() -> WorkQueueConsumer.builder(queue, item -> { }).meterRegistry(registry).lifecycle(draining)
                .build()).isInstanceOf(IllegalStateException.class);
        assertThat(queueMeters()).isEmpty();
    }

    private List<String> queueMeters() {
        return registry.getMeters().stream().filter(m -> queue.name().equals(m.getId().getTag(WorkQueueMetrics.TAG_QUEUE)))
                .map(m -> m.getId().getName()).distinct().toList();
    }

    private WorkQueueConsumer blockedConsumer(int concurrency) {
        WorkQueueConsumer blocked = WorkQueueConsumer.builder(queue, item -> awaitGate()).concurrency(concurrency)
                .batchSize(1).visibilityTimeout(Duration.ofSeconds(30)).pollWait(Duration.ofMillis(200))
                .meterRegistry(registry).build();
        blocked.start();
        return blocked;
    }

    private double inFlightGauge() {
        return registry.get(WorkQueueMetrics.IN_FLIGHT).tag(WorkQueueMetrics.TAG_QUEUE, queue.name()).gauge().value();
    }

    @Test
    void nacksWithBackoffWhenTheHandlerThrows() {
        String id = queue.add("1", null);
        start(item -> {
            throw new IllegalStateException("boom");
        }, 1, Duration.ofSeconds(30));
        await().atMost(WAIT).until(() -> queue.ops("nack").contains(id));
        FakeWorkQueue.Settled nack = queue.settled.get(0);
        assertThat(nack.nack().isDeadLetter()).isFalse();
        assertThat(nack.nack().delay()).isEmpty();
        assertThat(nack.nack().reason()).contains("java.lang.IllegalStateException: boom");
        assertThat(consumer.stats().failed()).isEqualTo(1);
        assertThat(queue.ops("ack")).isEmpty();
    }

    @Test
    void nacksWhenTheHandlerThrowsAnError() {
        // Before, an Error (an assertion, a class that would not load) left the item unsettled until its visibility timeout.
        String id = queue.add("1", null);
        start(item -> {
            throw new AssertionError("expected 3 lines");
        }, 1, Duration.ofSeconds(30));
        await().atMost(WAIT).until(() -> queue.ops("nack").contains(id));
        assertThat(queue.settled.get(0).nack().reason().orElseThrow()).contains("java.lang.AssertionError: expected 3 lines");
        assertThat(consumer.stats().failed()).isEqualTo(1);
    }

    @Test
    void deadLettersAPoisonItem() {
        String id = queue.add("1", null);
        start(item -> {
            throw new PoisonItemException("cannot parse order");
        }, 1, Duration.ofSeconds(30));
        await().atMost(WAIT).until(() -> queue.ops("nack").contains(id));
        Nack nack = queue.settled.get(0).nack();
        assertThat(nack.isDeadLetter()).isTrue();
        assertThat(nack.reason().orElseThrow()).contains("cannot parse order");
        // The consumer counts the dead-lettering once the nack call has returned, after the fake recorded it.
        await().atMost(WAIT).until(() -> consumer.stats().deadLettered() == 1);
        assertThat(consumer.stats().failed()).isZero();
    }

    @Test
    void neverRunsMoreHandlersThanTheConcurrencyNorClaimsMoreThanFreeSlots() {
        for (int i = 0; i < 20; i++) {
            queue.add("1", null);
        }
        AtomicInteger active = new AtomicInteger();
        AtomicInteger maxActive = new AtomicInteger();
        start(item -> {
            maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
            try {
                awaitGate();
            } finally {
                active.decrementAndGet();
            }
        }, 3, Duration.ofSeconds(30));
        await().atMost(WAIT).until(() -> active.get() == 3);
        assertThat(queue.readyCount()).isEqualTo(17);
        assertThat(consumer.stats().inFlight()).isEqualTo(3);
        gate.countDown();
        await().atMost(WAIT).until(() -> queue.ops("ack").size() == 20);
        assertThat(maxActive.get()).isEqualTo(3);
        assertThat(queue.maxInFlight.get()).isLessThanOrEqualTo(3);
    }

    @Test
    void aBatchLargerThanTheConcurrencyPrefetchesAndADrainReleasesTheBufferAtOnce() {
        for (int i = 0; i < 6; i++) {
            queue.add("1", null);
        }
        AtomicInteger active = new AtomicInteger();
        AtomicInteger maxActive = new AtomicInteger();
        consumer = WorkQueueConsumer.builder(queue, item -> {
            maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
            try {
                awaitGate();
            } finally {
                active.decrementAndGet();
            }
        }).concurrency(1).batchSize(4).visibilityTimeout(Duration.ofSeconds(30)).pollWait(Duration.ofMillis(200))
                .meterRegistry(registry).build();
        consumer.start();

        // One running, three buffered (the poller hands the batch over one item at a time).
        await().atMost(WAIT).until(() -> queue.readyCount() == 2 && active.get() == 1
                && consumer.stats().inFlight() == 4);
        DrainResult result = consumer.drain(Duration.ofMillis(300));

        assertThat(result.released()).as("the three buffered items and the one still running").isEqualTo(4);
        assertThat(result.completed()).isZero();
        assertThat(maxActive.get()).isEqualTo(1);
        assertThat(queue.readyCount()).isEqualTo(6);
    }

    @Test
    void aPrefetchingConsumerClaimsAgainOnlyOnceHalfItsBufferIsFree() {
        for (int i = 0; i < 30; i++) {
            queue.add("1", null);
        }
        Semaphore go = new Semaphore(0);
        consumer = WorkQueueConsumer.builder(queue, item -> go.acquire()).concurrency(1).batchSize(9)
                .visibilityTimeout(Duration.ofSeconds(30)).pollWait(Duration.ofMillis(200)).meterRegistry(registry)
                .build();
        consumer.start();
        // One item at a time, each acked before the next is let go: a consumer that claimed whenever a slot
        // came free would ask for one item after every ack.
        for (int done = 1; done <= 30; done++) {
            go.release();
            int expected = done;
            await().atMost(WAIT).until(() -> queue.ops("ack").size() == expected);
        }
        assertThat(queue.claimMaxes).as("buffer 9 - concurrency 1: claim again once 4 slots are free")
                .allSatisfy(max -> assertThat(max).isGreaterThanOrEqualTo(4));
    }

    @Test
    void aHandledItemsAckRidesOnTheNextClaim() {
        for (int i = 0; i < 5; i++) {
            queue.add("1", null);
        }
        // One slot: each finished item frees the slot its ack passes to the next claim. A long linger keeps the
        // acker out of it, so every ack must have ridden a claim.
        consumer = WorkQueueConsumer.builder(queue, item -> { }).concurrency(1).visibilityTimeout(Duration.ofSeconds(30))
                .pollWait(Duration.ofSeconds(5)).ackLinger(Duration.ofSeconds(1)).meterRegistry(registry).build();
        consumer.start();
        await().atMost(WAIT).until(() -> queue.ops("ack").size() == 5);
        assertThat(queue.acksOnClaims).containsExactly(1, 1, 1, 1, 1);
        assertThat(queue.acksPerCall).isEmpty();
        assertThat(queue.maxInFlight.get()).as("each ack lands before its claim").isEqualTo(1);
        assertThat(consumer.stats().processed()).isEqualTo(5);
    }

    @Test
    void anItemHandledWhileThePollerIsParkedIsAckedAloneAfterTheLinger() {
        queue.add("1", null);
        // Two slots: the poller claims the one item, then parks in a long-poll for the free slot; the item finishes
        // only then, so no claim can carry its ack.
        consumer = WorkQueueConsumer.builder(queue, item -> await().atMost(WAIT).until(() -> queue.parkedClaims.get() == 1))
                .concurrency(1).batchSize(2)
                .visibilityTimeout(Duration.ofSeconds(30)).pollWait(Duration.ofSeconds(20)).meterRegistry(registry)
                .build();
        consumer.start();
        await().atMost(WAIT).until(() -> queue.ops("ack").size() == 1);
        assertThat(queue.acksPerCall).containsExactly(1);
        assertThat(queue.acksOnClaims).isEmpty();
        await().atMost(WAIT).until(() -> consumer.stats().inFlight() == 0); // settled after the ack call returns
    }

    @Test
    void itemsHandledWhileAnAckIsUnderWayAndThePollerIsParkedAreAckedTogetherInTheNextCall() {
        CountDownLatch firstAck = new CountDownLatch(1);
        queue.firstAckGate = firstAck;
        String first = queue.add("1", null);
        AtomicInteger handled = new AtomicInteger();
        // Room for 8: after each claim the poller parks in a long-poll for the free slots, so it carries no acks.
        // The first item finishes only once the poller is parked, so its ack cannot ride the poller's next claim.
        consumer = WorkQueueConsumer.builder(queue, item -> {
            if (item.id().equals(first)) {
                await().atMost(WAIT).until(() -> queue.parkedClaims.get() == 1);
            } else {
                awaitGate();
            }
            handled.incrementAndGet();
        }).concurrency(4).batchSize(8).visibilityTimeout(Duration.ofSeconds(30)).pollWait(Duration.ofSeconds(20))
                .meterRegistry(registry).build();
        consumer.start();
        await().atMost(WAIT).until(() -> queue.ackCallsStarted.get() == 1);
        for (int i = 0; i < 3; i++) {
            queue.add("1", null);
        }
        await().atMost(WAIT).until(() -> queue.readyCount() == 0 && queue.parkedClaims.get() == 1);
        gate.countDown();
        await().atMost(WAIT).until(() -> handled.get() == 4);
        firstAck.countDown();

        await().atMost(WAIT).until(() -> queue.ops("ack").size() == 4);
        assertThat(queue.acksPerCall).containsExactly(1, 3);
        assertThat(queue.acksOnClaims).isEmpty();
        assertThat(consumer.stats().processed()).isEqualTo(4);
        await().atMost(WAIT).until(() -> consumer.stats().inFlight() == 0); // settled after the ack call returns
    }

    @Test
    void extendsVisibilityWhileASlowHandlerRuns() {
        String id = queue.add("1", null);
        CountDownLatch running = new CountDownLatch(1);
        start(item -> {
            running.countDown();
            awaitGate();
        }, 1, Duration.ofMillis(300));
        await().atMost(WAIT).until(() -> running.getCount() == 0);
        await().atMost(WAIT).until(() -> queue.extensions.get() >= 2);
        gate.countDown();
        await().atMost(WAIT).until(() -> queue.ops("ack").contains(id));
        assertThat(consumer.stats().extensions()).isGreaterThanOrEqualTo(2);
    }

    /** Starts a consumer whose two handlers each hold an item until the gate opens, and waits until both do. */
    private void twoItemsHeldByTheirHandlers() {
        queue.add("1", null);
        queue.add("2", null);
        AtomicInteger started = new AtomicInteger();
        start(item -> {
            started.incrementAndGet();
            awaitGate();
        }, 2, Duration.ofSeconds(30));
        await().atMost(WAIT).until(() -> started.get() == 2);
    }

    @Test
    void drainReleasesUnfinishedItemsWithinTheGrace() {
        twoItemsHeldByTheirHandlers();
        long t0 = System.nanoTime();
        DrainResult result = consumer.drain(Duration.ofMillis(200));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(result).isEqualTo(new DrainResult(0, 2, 0));
        assertThat(consumer.isRunning()).isFalse();
        assertThat(queue.settled).allSatisfy(s -> assertThat(s.nack().delay()).contains(Duration.ZERO));
        assertThat(queue.readyCount()).isEqualTo(2);
        assertThat(consumer.drain(Duration.ZERO)).isSameAs(result);
    }

    @Test
    void aDrainOnAnInterruptedThreadStillReleasesWhatIsUnfinishedAndKeepsTheInterrupt() {
        twoItemsHeldByTheirHandlers();
        Thread.currentThread().interrupt(); // a close() in a finally after catching an InterruptedException
        DrainResult result;
        try {
            result = consumer.drain(Duration.ofMillis(200));
        } finally {
            assertThat(Thread.interrupted()).as("the caller's interrupt is kept").isTrue();
        }
        assertThat(result).as("released, not stranded until the visibility timeout").isEqualTo(new DrainResult(0, 2, 0));
        assertThat(queue.readyCount()).isEqualTo(2);
    }

    @Test
    void aDrainWhoseGraceIsForeverWaitsForTheHandlersInsteadOfOverflowing() throws Exception {
        queue.add("1", null);
        start(item -> awaitGate(), 1, Duration.ofSeconds(30));
        await().atMost(WAIT).until(() -> consumer.stats().inFlight() == 1);
        CompletableFuture<DrainResult> drained = CompletableFuture.supplyAsync(() -> consumer.drain(Duration.ofSeconds(Long.MAX_VALUE)));
        await().atMost(WAIT).until(() -> !consumer.isRunning() || drained.isDone());
        assertThat(drained).as("still waiting for the handler").isNotDone();
        gate.countDown();
        assertThat(drained.get(10, TimeUnit.SECONDS)).isEqualTo(new DrainResult(1, 0, 0));
    }

    @Test
    void aDrainWithoutGraceStillReleasesWhatTheLongPollUnderWayHandsOver() {
        queue.answerEndEarlyWith(Duration.ofMillis(100), "1", "2");
        consumer = WorkQueueConsumer.builder(queue, item -> awaitGate()).concurrency(2)
                .pollWait(Duration.ofSeconds(20)).meterRegistry(registry).build();
        consumer.start();
        await().atMost(WAIT).until(() -> queue.parkedClaims.get() == 1);

        DrainResult result = consumer.drain(Duration.ZERO);

        assertThat(result).as("the items the ended long-poll handed over are given back, not left to their visibility")
                .isEqualTo(new DrainResult(0, 2, 0));
        assertThat(queue.ops("nack")).hasSize(2);
        assertThat(queue.readyCount()).isEqualTo(2);
    }

    @Test
    void aLifecycleDrainStopsClaimingThenReleasesWhatOutlivesTheFinishShare() {
        queue.add("1", null);
        AtomicInteger started = new AtomicInteger();
        Lifecycle lifecycle = Lifecycle.create();
        consumer = WorkQueueConsumer.builder(queue, item -> {
            started.incrementAndGet();
            awaitGate();
        }).pollWait(Duration.ofMillis(200)).lifecycle(lifecycle).build();
        consumer.start();
        await().atMost(WAIT).until(() -> started.get() == 1);

        DrainReport report = lifecycle.drain(Duration.ofMillis(1_100));

        assertThat(report.steps()).extracting(DrainReport.Step::phase)
                .containsExactly(DrainPhase.STOP_CLAIMING, DrainPhase.FINISH_IN_FLIGHT);
        assertThat(report.clean()).isTrue();
        assertThat(consumer.drainResult()).contains(new DrainResult(0, 1, 0));
        assertThat(queue.readyCount()).isEqualTo(1);
        int claims = queue.claims.get();
        queue.add("2", null);
        await().during(Duration.ofMillis(400)).atMost(WAIT).until(() -> queue.claims.get() == claims);
        assertThat(queue.readyCount()).isEqualTo(2);
    }

    @Test
    void withALifecycleTheConsumerIsAReadinessCheckAndAnInfoContribution() {
        queue.add("1", null);
        Lifecycle lifecycle = Lifecycle.create();
        consumer = WorkQueueConsumer.builder(queue, item -> { }).batchSize(4).pollWait(Duration.ofMillis(200))
                .lifecycle(lifecycle).build();
        String name = "work-queue consumer of " + queue.name();
        HealthReport before = lifecycle.health(HealthProbe.READINESS);
        assertThat(before.up()).isTrue(); // not started: the application may start it later, or never
        assertThat(before.checks().get(name).detail()).contains("not started");

        consumer.start();
        await().atMost(WAIT).until(() -> consumer.stats().processed() == 1);

        assertThat(lifecycle.health(HealthProbe.READINESS).up()).isTrue();
        @SuppressWarnings("unchecked")
        Map<String, Object> info = (Map<String, Object>) lifecycle.info().get(name);
        assertThat(info).containsEntry("queue", queue.name()).containsEntry("running", true).containsEntry("batchSize", 4);
        assertThat(((ConsumerStats) info.get("stats")).processed()).isEqualTo(1);
        lifecycle.drain(Duration.ofSeconds(1));
        assertThat(lifecycle.health(HealthProbe.READINESS).checks().get(name).up()).isFalse();
        assertThat(lifecycle.health(HealthProbe.READINESS).checks().get(name).detail()).contains("not claiming: draining");
    }

    /** An application that closes a consumer of its own accord (one per tenant or job) must not stay unready. */
    @Test
    void aConsumerTheApplicationClosesLeavesItsLifecycleAndHoldsNoReadinessDown() {
        Lifecycle lifecycle = Lifecycle.create();
        consumer = WorkQueueConsumer.builder(queue, item -> { }).pollWait(Duration.ofMillis(200)).lifecycle(lifecycle).build();
        String name = "work-queue consumer of " + queue.name();
        consumer.start();
        consumer.close();
        HealthReport after = lifecycle.health(HealthProbe.READINESS);
        assertThat(after.up()).isTrue();
        assertThat(after.checks()).doesNotContainKey(name);
        assertThat(lifecycle.info()).doesNotContainKey(name);
        assertThat(lifecycle.drain(Duration.ofSeconds(1)).steps()).isEmpty();
    }

    @Test
    void drainWaitsForHandlersThatFinishWithinTheGrace() throws Exception {
        String id = queue.add("1", null);
        CountDownLatch running = new CountDownLatch(1);
        start(item -> {
            running.countDown();
            awaitGate();
        }, 1, Duration.ofSeconds(30));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        Thread opener = new Thread(() -> {
            await().atMost(WAIT).until(() -> !consumer.isRunning());
            gate.countDown();
        });
        opener.start();
        DrainResult result = consumer.drain(Duration.ofSeconds(10));
        assertThat(result).isEqualTo(new DrainResult(1, 0, 0));
        assertThat(queue.ops("ack")).containsExactly(id);
    }

    @Test
    void keepsClaimingThroughASidecarOutage() {
        AtomicInteger failures = new AtomicInteger();
        queue.claimFailure = () -> failures.incrementAndGet() <= 3
                ? new SidecarUnavailableException("down", 0, null, null, null) : null;
        String id = queue.add("1", null);
        start(item -> { }, 1, Duration.ofSeconds(30));
        await().atMost(WAIT).until(() -> queue.ops("ack").contains(id));
        assertThat(failures.get()).isGreaterThan(3);
    }

    @Test
    void countsAStaleReceiptOnAck() {
        queue.ackIsStale = true;
        List<WorkItem> stale = new java.util.concurrent.CopyOnWriteArrayList<>();
        queue.add("1", null);
        consumer = WorkQueueConsumer.builder(queue, item -> { }).listener(new ConsumerListener() {
            @Override
            public void onStaleReceipt(WorkItem item) {
                stale.add(item);
            }
        }).pollWait(Duration.ofMillis(200)).build();
        consumer.start();
        await().atMost(WAIT).until(() -> consumer.stats().staleReceipts() == 1);
        await().atMost(WAIT).untilAsserted(() -> assertThat(stale).hasSize(1)); // the listener is told after the count
    }

    @Test
    void aFileStageDeadLettersAMissingInputAndProcessesAPresentOne(@TempDir Path dir) throws Exception {
        Path in = Files.writeString(dir.resolve("a.txt"), "hello");
        String missing = queue.add(null, dir.resolve("missing.txt").toString());
        String present = queue.add(null, in.toString());
        start(WorkHandler.fileStage((input, output) -> Files.writeString(output, Files.readString(input).toUpperCase()),
                input -> input.resolveSibling(input.getFileName() + ".out")), 1, Duration.ofSeconds(30));
        await().atMost(WAIT).until(() -> queue.settled.size() == 2);
        assertThat(queue.ops("ack")).containsExactly(present);
        assertThat(queue.ops("nack")).containsExactly(missing);
        assertThat(queue.settled.stream().filter(s -> s.op().equals("nack")).findFirst().orElseThrow().nack()
                .isDeadLetter()).isTrue();
        assertThat(Files.readString(dir.resolve("a.txt.out"))).isEqualTo("HELLO");
    }
}

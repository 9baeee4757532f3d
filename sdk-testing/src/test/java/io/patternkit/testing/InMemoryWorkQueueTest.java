package io.patternkit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.patternkit.workqueue.Enqueue;
import io.patternkit.workqueue.Nack;
import io.patternkit.workqueue.NackOutcome;
import io.patternkit.workqueue.PoisonItemException;
import io.patternkit.workqueue.ReceiptStaleException;
import io.patternkit.workqueue.WorkItem;
import io.patternkit.workqueue.WorkQueueConsumer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What the compatibility kit cannot see: the fake's builder, defaults, clocks and concurrency. */
class InMemoryWorkQueueTest {
    private final ManualClock clock = new ManualClock();
    private final InMemoryWorkQueue queue = InMemoryWorkQueue.create("orders", clock);

    @Test
    void builderRejectsWhatTheSidecarRejects() {
        assertThatThrownBy(() -> InMemoryWorkQueue.builder().name("no spaces")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InMemoryWorkQueue.builder().name("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InMemoryWorkQueue.builder().backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InMemoryWorkQueue.builder().backoff(Duration.ofDays(2), Duration.ofDays(3)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InMemoryWorkQueue.builder().backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InMemoryWorkQueue.builder().dedupWindow(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InMemoryWorkQueue.builder().defaultMaxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InMemoryWorkQueue.builder().defaultMaxAttempts(1001))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InMemoryWorkQueue.builder().maxItemBytes(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InMemoryWorkQueue.builder().clock(null)).isInstanceOf(NullPointerException.class);
        assertThat(queue.name()).isEqualTo("orders");
        assertThat(queue.clock()).isSameAs(clock);
        assertThat(InMemoryWorkQueue.builder().build().name()).isEqualTo("in-memory");
    }

    @Test
    void defaultsAreTheSidecarsDefaults() {
        queue.enqueue(Enqueue.json("1").dedupKey("k"));
        WorkItem item = queue.claim(1, Duration.ofMinutes(1), Duration.ZERO).get(0);
        assertThat(item.maxAttempts()).isEqualTo(5);
        NackOutcome outcome = queue.nack(item.receipt(), Nack.withBackoff());
        assertThat(outcome.visibleAt()).contains(clock.instant().plusSeconds(1));

        for (int attempt = 2; attempt <= 12; attempt++) {
            clock.advance(Duration.ofMinutes(5));
            WorkItem again = queue.claim(1, Duration.ofMinutes(1), Duration.ZERO).get(0);
            if (attempt == 5) {
                assertThat(queue.nack(again.receipt(), Nack.withBackoff()).state()).isEqualTo(NackOutcome.State.DEAD);
                break;
            }
            long expected = Math.min(1000L << (attempt - 1), 300_000L);
            assertThat(queue.nack(again.receipt(), Nack.withBackoff()).visibleAt())
                    .contains(clock.instant().plusMillis(expected));
        }
        assertThat(queue.redriveAll()).isEqualTo(1);
        WorkItem last = queue.claim(1, Duration.ofMinutes(1), Duration.ZERO).get(0);
        queue.ack(last);
        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        assertThat(queue.enqueue(Enqueue.json("1").dedupKey("k")).duplicate()).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(queue.enqueue(Enqueue.json("1").dedupKey("k")).duplicate()).isFalse();
        assertThatThrownBy(() -> queue.enqueue(Enqueue.json("\"" + "x".repeat(262_143) + "\"")))
                .isInstanceOf(io.patternkit.core.PayloadTooLargeException.class);
        assertThat(queue.enqueue(Enqueue.json("\"" + "x".repeat(262_142) + "\"")).duplicate()).isFalse();
    }

    @Test
    void backoffIsCappedForLargeAttemptNumbersAsOnTheSidecar() {
        InMemoryWorkQueue q = InMemoryWorkQueue.builder().clock(clock).backoff(Duration.ofMillis(1), Duration.ofDays(30))
                .build();
        q.enqueue(Enqueue.json("1").maxAttempts(40));
        long last = 0;
        for (int attempt = 1; attempt <= 35; attempt++) {
            WorkItem item = q.claim(1, Duration.ofMinutes(1), Duration.ZERO).get(0);
            last = q.nack(item.receipt(), Nack.withBackoff()).visibleAt().orElseThrow().toEpochMilli() - clock.millis();
            assertThat(last).isEqualTo(1L << Math.min(attempt - 1, 30));
            clock.advance(Duration.ofMillis(last));
        }
        assertThat(last).isEqualTo(1L << 30);
    }

    @Test
    void longPollWakesWhenTheManualClockPassesADelay() throws Exception {
        String id = queue.enqueue(Enqueue.json("1").delay(Duration.ofMinutes(1))).id();
        CompletableFuture<List<WorkItem>> poll = queue.claimAsync(1, Duration.ofMinutes(1), Duration.ofSeconds(15));
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !poll.isDone());
        clock.advance(Duration.ofSeconds(59));
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(2)).until(() -> !poll.isDone());
        clock.advance(Duration.ofSeconds(1));
        assertThat(poll.get(5, TimeUnit.SECONDS)).extracting(WorkItem::id).containsExactly(id);
    }

    @Test
    void longPollWakesWhenANackReleasesAnItem() throws Exception {
        queue.enqueue(Enqueue.json("1"));
        WorkItem item = queue.claim(1, Duration.ofMinutes(1), Duration.ZERO).get(0);
        CompletableFuture<List<WorkItem>> poll = queue.claimAsync(1, Duration.ofMinutes(1), Duration.ofSeconds(15));
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !poll.isDone());
        queue.nack(item.receipt(), Nack.retryAfter(Duration.ZERO));
        assertThat(poll.get(5, TimeUnit.SECONDS)).extracting(WorkItem::attempt).containsExactly(2);
    }

    @Test
    void onTheSystemClockALongPollWakesWhenTheDelayRunsOut() {
        InMemoryWorkQueue real = InMemoryWorkQueue.builder().clock(Clock.systemUTC()).build();
        long start = System.nanoTime(); // before the delay starts, so a stall in between cannot shorten it
        real.enqueue(Enqueue.json("1").delay(Duration.ofMillis(150)));
        List<WorkItem> items = real.claim(1, Duration.ofMinutes(1), Duration.ofSeconds(10));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(items).hasSize(1);
        assertThat(tookMs).isBetween(100L, 5_000L);
    }

    @Test
    void interruptedLongPollReturnsEmptyWithTheFlagSet() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Boolean> interrupted = pool.submit(() -> {
                Thread.currentThread().interrupt();
                List<WorkItem> items = queue.claim(1, Duration.ofMinutes(1), Duration.ofSeconds(15));
                return items.isEmpty() && Thread.interrupted();
            });
            assertThat(interrupted.get(5, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void receiptsOfAnotherQueueAreStale() {
        InMemoryWorkQueue other = InMemoryWorkQueue.create("other", clock);
        other.enqueue(Enqueue.json("1"));
        queue.enqueue(Enqueue.json("1"));
        WorkItem foreign = other.claim(1, Duration.ofMinutes(1), Duration.ZERO).get(0);
        assertThatThrownBy(() -> queue.ack(foreign)).isInstanceOf(ReceiptStaleException.class);
        other.ack(foreign);
    }

    @Test
    void enqueueAllBeyondOneCallDeduplicatesAcrossTheChunks() {
        List<Enqueue> items = IntStream.range(0, 2500).mapToObj(i -> Enqueue.json(Integer.toString(i))
                .dedupKey("k-" + (i % 2000))).toList();
        assertThat(queue.enqueueAll(items)).filteredOn(r -> r.duplicate()).hasSize(500);
        assertThat(queue.stats().ready()).isEqualTo(2000);
    }

    @Test
    void concurrentClaimersNeverShareAnItem() throws Exception {
        int count = 2000;
        queue.enqueueAll(IntStream.range(0, count).mapToObj(i -> Enqueue.json(Integer.toString(i))).toList());
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                workers.add(pool.submit(() -> {
                    List<WorkItem> batch;
                    while (!(batch = queue.claim(7, Duration.ofMinutes(1), Duration.ZERO)).isEmpty()) {
                        for (WorkItem item : batch) {
                            if (!seen.add(item.id())) {
                                duplicates.incrementAndGet();
                            }
                        }
                        queue.ackAll(batch.stream().map(WorkItem::receipt).toList());
                    }
                }));
            }
            for (Future<?> f : workers) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(duplicates).hasValue(0);
        assertThat(seen).hasSize(count);
        assertThat(queue.stats().acked()).isEqualTo(count);
    }

    @Test
    void drivesTheSdkConsumer() {
        InMemoryWorkQueue q = InMemoryWorkQueue.builder().name("consumed").backoff(Duration.ofMillis(10),
                Duration.ofMillis(20)).build();
        q.enqueueAll(List.of(Enqueue.json("\"ok\""), Enqueue.json("\"poison\""), Enqueue.json("\"flaky\"").maxAttempts(3)));
        Set<String> done = ConcurrentHashMap.newKeySet();
        AtomicInteger flakyTries = new AtomicInteger();
        try (WorkQueueConsumer consumer = WorkQueueConsumer.builder(q, item -> {
            String p = item.payloadAs(String.class);
            if (p.equals("poison")) {
                throw new PoisonItemException("cannot parse");
            }
            if (p.equals("flaky") && flakyTries.incrementAndGet() < 2) {
                throw new IllegalStateException("try again");
            }
            done.add(p);
        }).concurrency(2).visibilityTimeout(Duration.ofSeconds(30)).pollWait(Duration.ofMillis(200))
                .drainTimeout(Duration.ofSeconds(5)).build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> done.size() == 2 && q.stats().dead() == 1);
        }
        assertThat(done).containsExactlyInAnyOrder("ok", "flaky");
        assertThat(q.deadLetters(10)).singleElement().satisfies(d -> assertThat(d.reason()).contains("cannot parse"));
        assertThat(q.stats().acked()).isEqualTo(2);
    }
}

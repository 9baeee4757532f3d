package io.patternkit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.patternkit.core.PayloadTooLargeException;
import io.patternkit.protocol.ProblemType;
import io.patternkit.workqueue.AckedAndClaimed;
import io.patternkit.workqueue.BatchOutcome;
import io.patternkit.workqueue.DeadLetter;
import io.patternkit.workqueue.Enqueue;
import io.patternkit.workqueue.EnqueueResult;
import io.patternkit.workqueue.Nack;
import io.patternkit.workqueue.NackOutcome;
import io.patternkit.workqueue.QueueStats;
import io.patternkit.workqueue.ReceiptStaleException;
import io.patternkit.workqueue.WorkItem;
import io.patternkit.workqueue.WorkQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The semantics every {@link WorkQueue} must honour, as one abstract JUnit 5 suite: run it against the
 * real sidecar and against every fake (in the manner of Micrometer's registry compatibility kit), so that
 * a test written against {@link InMemoryWorkQueue} means the same against production.
 *
 * <p>A subclass supplies a fresh, empty queue per test ({@link #newQueue()}) and a way to let time pass
 * on the queue's clock ({@link #advance(Duration)}): a fake on a {@link ManualClock} advances the clock;
 * a real sidecar can only wait real time (with Awaitility, never a bare sleep). The kit keeps
 * waits short ({@link #SHORT}) and asserts that something becomes claimable with a long-poll
 * ({@link #POLL}), which returns at once when the item is already there, so the suite is fast on a
 * manual clock and stable on a real one.
 *
 * <p>The subject must be configured as the kit expects (override the methods when it is not):
 * nack backoff {@link #backoffBase()} to {@link #backoffMax()} (200 ms to 800 ms), dedup window
 * {@link #dedupWindow()} (1 s), default max attempts 5 and an item size limit of 256 KiB (the sidecar's
 * defaults). For the sidecar: {@code --backoff-base 200ms --backoff-max 800ms --dedup-window 1s}.
 *
 * <pre>{@code
 * class MyQueueCompatibilityTest extends WorkQueueCompatibilityKit {
 *     private final ManualClock clock = new ManualClock();
 *
 *     protected WorkQueue newQueue() {
 *         return InMemoryWorkQueue.builder().clock(clock).backoff(backoffBase(), backoffMax())
 *                 .dedupWindow(dedupWindow()).build();
 *     }
 *
 *     protected void advance(Duration d) {
 *         clock.advance(d);
 *     }
 * }
 * }</pre>
 */
public abstract class WorkQueueCompatibilityKit {
    /** A visibility timeout or delay that the tests let run out: short enough to wait for in real time. */
    protected static final Duration SHORT = Duration.ofMillis(200);
    /**
     * The visibility timeouts and delays the tests let run out: {@link #SHORT} unless overridden. A
     * suite against a real sidecar on a busy machine may lengthen it, so that an item claimed for
     * this long cannot come back before the test has looked.
     *
     * @return a positive duration, well below {@link #LONG}
     */
    protected Duration shortDuration() {
        return SHORT;
    }

    /** A visibility timeout or delay that must not run out during a test. */
    protected static final Duration LONG = Duration.ofMinutes(10);
    /** The long-poll of claims that expect an item (real time; returns at once when one is claimable). */
    protected static final Duration POLL = Duration.ofSeconds(5);
    private static final String STALE = ProblemType.RECEIPT_STALE.uri();

    /** The queue under test: fresh and empty for each test. */
    protected WorkQueue queue;

    /** Creates the kit; subclasses are JUnit test classes. */
    protected WorkQueueCompatibilityKit() {
    }

    /**
     * Creates the subject of one test.
     *
     * @return a new, empty queue, configured as the class documentation says
     */
    protected abstract WorkQueue newQueue();

    /**
     * Lets at least {@code duration} pass on the subject's clock, and returns afterwards.
     *
     * @param duration how long, at most a few seconds
     */
    protected abstract void advance(Duration duration);

    /** @return the subject's first nack backoff; default 200 ms */
    protected Duration backoffBase() {
        return Duration.ofMillis(200);
    }

    /** @return the subject's longest nack backoff; default 800 ms */
    protected Duration backoffMax() {
        return Duration.ofMillis(800);
    }

    /**
     * How long the subject keeps an acked item's dedup key. It must exceed {@link #shortDuration()} plus
     * {@link #tolerance()}: some tests wait that long and still expect an acked item to be counted.
     *
     * @return the dedup window; default 1 s
     */
    protected Duration dedupWindow() {
        return Duration.ofSeconds(1);
    }

    /**
     * How much later than the kit expects an instant reported by the subject may be, because real time
     * passes between two calls. Zero for a manual clock.
     *
     * @return the tolerance; default 150 ms
     */
    protected Duration tolerance() {
        return Duration.ofMillis(150);
    }

    /** Creates the subject of the test. */
    @BeforeEach
    public final void createQueue() {
        assertThat(dedupWindow()).as("dedupWindow() must exceed shortDuration() plus tolerance()")
                .isGreaterThan(shortDuration().plus(tolerance()));
        queue = newQueue();
    }

    // ---- helpers ----

    private WorkItem claimOne(Duration visibility) {
        List<WorkItem> items = queue.claim(1, visibility, POLL);
        assertThat(items).as("an item claimable within %s", POLL).hasSize(1);
        return items.get(0);
    }

    private void assertNothingClaimable() {
        assertThat(queue.claim(10, LONG, Duration.ZERO)).as("claimable items").isEmpty();
    }

    /** @return the subject's clock now, read through an extend that hides the item for {@link #LONG} */
    private Instant nowByExtending(String receipt) {
        return queue.extend(receipt, LONG).minus(LONG);
    }

    private void assertAbout(Instant actual, Instant expected) {
        assertThat(actual).isBetween(expected, expected.plus(tolerance()));
    }

    private static void assertStale(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ReceiptStaleException.class, e -> {
            assertThat(e.problemType()).contains(STALE);
            assertThat(e.status()).isEqualTo(409);
        });
    }

    private static Enqueue json(String text) {
        return Enqueue.json(text);
    }

    // ---- the contract ----

    /**
     * Enqueue, claim and ack: the claim carries the payload or file reference, the enqueue options, attempt
     * 1 and a visibility deadline; after the ack nothing is left to claim and the item counts as acked.
     *
     * @throws Exception when the asynchronous enqueue fails
     */
    @Test
    public void enqueueClaimAckRoundTrip() throws Exception {
        EnqueueResult a = queue.enqueueAsync(json("{\"n\":[1,2],\"s\":\"x\"}").dedupKey("k-a").maxAttempts(4))
                .get(5, TimeUnit.SECONDS);
        EnqueueResult b = queue.enqueue(Enqueue.fileRef("/data/in-1.csv"));
        assertThat(a.duplicate()).isFalse();
        assertThat(b.duplicate()).isFalse();
        assertThat(a.id()).isNotEqualTo(b.id());

        Duration visibility = Duration.ofSeconds(30);
        List<WorkItem> items = queue.claim(10, visibility, Duration.ZERO);
        assertThat(items).extracting(WorkItem::id).containsExactly(a.id(), b.id());
        WorkItem first = items.get(0);
        assertThat(first.payloadJson()).contains("{\"n\":[1,2],\"s\":\"x\"}");
        assertThat(first.fileRef()).isEmpty();
        assertThat(first.dedupKey()).contains("k-a");
        assertThat(first.maxAttempts()).isEqualTo(4);
        assertThat(first.priority()).isZero();
        WorkItem second = items.get(1);
        assertThat(second.fileRef()).contains("/data/in-1.csv");
        assertThat(second.payloadJson()).isEmpty();
        assertThat(second.maxAttempts()).as("the default max attempts").isEqualTo(5);
        assertThat(items).allSatisfy(i -> {
            assertThat(i.attempt()).isEqualTo(1);
            assertThat(i.isRedelivery()).isFalse();
            assertAbout(i.visibleUntil().minus(visibility), i.enqueuedAt());
        });
        assertThat(first.receipt()).isNotEqualTo(second.receipt());

        queue.ack(first);
        queue.ack(second.receipt());
        assertNothingClaimable();
        QueueStats stats = queue.stats();
        assertThat(stats.acked()).isEqualTo(2);
        assertThat(stats.ready() + stats.inFlight() + stats.delayed() + stats.dead()).isZero();
    }

    /**
     * A claim with a wait returns empty after the wait when nothing comes, and returns as soon as an item
     * is enqueued while it waits.
     *
     * @throws Exception when the claim fails
     */
    @Test
    public void longPollWaitsAndReturnsAsSoonAsAnItemArrives() throws Exception {
        long start = System.nanoTime();
        assertThat(queue.claim(1, LONG, Duration.ofMillis(300))).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));

        CompletableFuture<List<WorkItem>> poll = queue.claimAsync(1, LONG, Duration.ofSeconds(15));
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !poll.isDone());
        String id = queue.enqueue(json("1")).id();
        assertThat(poll.get(5, TimeUnit.SECONDS)).extracting(WorkItem::id).containsExactly(id);
    }

    /**
     * A dedup key that matches an existing item enqueues nothing and returns the existing id, also within
     * one batch, where a repeated key is a duplicate of its first use.
     */
    @Test
    public void dedupKeyReturnsTheExistingItem() {
        String id = queue.enqueue(json("1").dedupKey("order-7")).id();
        assertThat(queue.enqueue(json("2").dedupKey("order-7"))).isEqualTo(new EnqueueResult(id, true));

        List<EnqueueResult> batch = queue.enqueueAll(List.of(json("3").dedupKey("b"), json("4").dedupKey("order-7"),
                json("5"), json("6").dedupKey("b")));
        assertThat(batch).extracting(EnqueueResult::duplicate).containsExactly(false, true, false, true);
        assertThat(batch.get(1).id()).isEqualTo(id);
        assertThat(batch.get(3).id()).isEqualTo(batch.get(0).id());

        List<WorkItem> claimed = queue.claim(10, LONG, Duration.ZERO);
        assertThat(claimed).extracting(WorkItem::id).containsExactly(id, batch.get(0).id(), batch.get(2).id());
        assertThat(claimed.get(0).payloadJson()).contains("1");
    }

    /** An acked item keeps deduplicating its key for the dedup window, and no longer. */
    @Test
    public void dedupKeyOfAnAckedItemHoldsForTheWindow() {
        String id = queue.enqueue(json("1").dedupKey("once")).id();
        queue.ack(claimOne(LONG));
        assertThat(queue.enqueue(json("1").dedupKey("once"))).isEqualTo(new EnqueueResult(id, true));

        advance(dedupWindow());
        AtomicReference<EnqueueResult> fresh = new AtomicReference<>();
        await().atMost(dedupWindow().plusSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            fresh.set(queue.enqueue(json("1").dedupKey("once")));
            return !fresh.get().duplicate();
        });
        assertThat(fresh.get().id()).isNotEqualTo(id);
        assertThat(claimOne(LONG).attempt()).isEqualTo(1);
    }

    /** A delayed item is neither claimable nor ready until its delay has passed. */
    @Test
    public void delayedItemIsInvisibleUntilTheDelayPasses() {
        String late = queue.enqueue(json("\"late\"").delay(LONG)).id();
        String soon = queue.enqueue(json("\"soon\"").delay(shortDuration())).id();
        assertNothingClaimable();
        QueueStats stats = queue.stats();
        assertThat(stats.delayed()).isEqualTo(2);
        assertThat(stats.ready()).isZero();

        advance(shortDuration());
        WorkItem item = claimOne(LONG);
        assertThat(item.id()).isEqualTo(soon).isNotEqualTo(late);
        assertThat(item.attempt()).isEqualTo(1);
        assertNothingClaimable();
        assertThat(queue.stats().delayed()).isEqualTo(1);
    }

    /** Claims hand out the highest priority first, and the oldest first within a priority. */
    @Test
    public void higherPriorityIsClaimedFirstThenOldestFirst() {
        String low = queue.enqueue(json("1").priority(-1)).id();
        String mid = queue.enqueue(json("2")).id();
        String high1 = queue.enqueue(json("3").priority(5)).id();
        String high2 = queue.enqueue(json("4").priority(5)).id();
        List<WorkItem> first = queue.claim(2, LONG, Duration.ZERO);
        assertThat(first).extracting(WorkItem::id).containsExactly(high1, high2);
        assertThat(first).extracting(WorkItem::priority).containsOnly(5);
        assertThat(queue.claim(10, LONG, Duration.ZERO)).extracting(WorkItem::id).containsExactly(mid, low);
    }

    /**
     * An item whose visibility timeout lapses without an ack is delivered again, as attempt 2, with a new
     * receipt.
     */
    @Test
    public void lapsedVisibilityRedeliversWithTheNextAttempt() {
        String id = queue.enqueue(json("1")).id();
        WorkItem first = claimOne(shortDuration());
        assertNothingClaimable();

        advance(shortDuration());
        WorkItem second = claimOne(LONG);
        assertThat(second.id()).isEqualTo(id);
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.isRedelivery()).isTrue();
        assertThat(second.receipt()).isNotEqualTo(first.receipt());
        assertThat(queue.stats().inFlight()).isEqualTo(1);
    }

    /**
     * After a redelivery the first delivery's receipt is stale for ack, nack and extend (409
     * {@code receipt-stale}), while the new receipt settles the item.
     */
    @Test
    public void receiptOfAnEarlierDeliveryIsStale() {
        queue.enqueue(json("1"));
        WorkItem first = claimOne(shortDuration());
        advance(shortDuration());
        WorkItem second = claimOne(LONG);

        assertStale(() -> queue.ack(first));
        assertStale(() -> queue.nack(first.receipt(), Nack.retryAfter(Duration.ZERO)));
        assertStale(() -> queue.extend(first.receipt(), LONG));
        assertNothingClaimable();
        queue.ack(second);
        assertThat(queue.stats().acked()).isEqualTo(1);
    }

    /**
     * Ack is idempotent for the latest receipt (a retried ack is safe) but settles the item for good: the
     * receipt can no longer nack or extend it. A receipt the queue never issued is stale.
     */
    @Test
    public void ackIsIdempotentForTheLatestReceipt() {
        queue.enqueue(json("1"));
        WorkItem item = claimOne(LONG);
        queue.ack(item);
        queue.ack(item);
        assertThat(queue.ackAll(List.of(item.receipt()))).singleElement().satisfies(o -> assertThat(o.ok()).isTrue());
        assertStale(() -> queue.nack(item.receipt(), Nack.withBackoff()));
        assertStale(() -> queue.extend(item.receipt(), LONG));
        assertStale(() -> queue.ack("not-a-receipt"));
        assertThat(queue.stats().acked()).isEqualTo(1);
        assertNothingClaimable();
    }

    /**
     * Nack with a delay hides the item for exactly that delay (delayed); with a zero delay it is ready and
     * claimable at once as the next attempt. A nacked receipt is stale.
     */
    @Test
    public void nackWithDelay() {
        String a = queue.enqueue(json("\"a\"")).id();
        String b = queue.enqueue(json("\"b\"")).id();
        List<WorkItem> claimed = queue.claim(2, LONG, Duration.ZERO);
        assertThat(claimed).extracting(WorkItem::id).containsExactly(a, b);
        Instant claimedAt = claimed.get(0).visibleUntil().minus(LONG);

        NackOutcome later = queue.nack(claimed.get(0).receipt(), Nack.retryAfter(LONG).reason("busy"));
        assertThat(later.state()).isEqualTo(NackOutcome.State.DELAYED);
        assertAbout(later.visibleAt().orElseThrow(), claimedAt.plus(LONG));
        NackOutcome now = queue.nack(claimed.get(1).receipt(), Nack.retryAfter(Duration.ZERO));
        assertThat(now.state()).isEqualTo(NackOutcome.State.READY);
        assertAbout(now.visibleAt().orElseThrow(), claimedAt);
        assertStale(() -> queue.ack(claimed.get(0)));

        WorkItem again = claimOne(LONG);
        assertThat(again.id()).isEqualTo(b);
        assertThat(again.attempt()).isEqualTo(2);
        assertNothingClaimable();
        assertThat(queue.stats().delayed()).isEqualTo(1);
    }

    /**
     * Nack without a delay backs off exponentially: base times 2^(attempt-1), capped at the maximum; the
     * item comes back once the backoff has passed.
     */
    @Test
    public void nackWithoutDelayBacksOffExponentiallyUpToTheCap() {
        queue.enqueue(json("1").maxAttempts(10));
        for (int attempt = 1; attempt <= 4; attempt++) {
            WorkItem item = claimOne(LONG);
            assertThat(item.attempt()).isEqualTo(attempt);
            long expectedMs = Math.min(backoffBase().toMillis() << (attempt - 1), backoffMax().toMillis());
            Instant now = nowByExtending(item.receipt());
            NackOutcome outcome = queue.nack(item.receipt(), Nack.withBackoff().reason("boom"));
            assertThat(outcome.state()).isEqualTo(NackOutcome.State.DELAYED);
            assertAbout(outcome.visibleAt().orElseThrow(), now.plusMillis(expectedMs));
            advance(Duration.ofMillis(expectedMs));
        }
        assertThat(claimOne(LONG).attempt()).isEqualTo(5);
    }

    /**
     * Nack with dead-letter moves the item to the dead-letter queue at once, with its reason, payload,
     * dedup key and attempts; it is no longer claimable and its receipt is stale.
     */
    @Test
    public void nackToTheDeadLetterQueueKeepsTheReason() {
        String id = queue.enqueue(json("{\"k\":1}").dedupKey("poison")).id();
        WorkItem item = claimOne(LONG);
        NackOutcome outcome = queue.nack(item.receipt(), Nack.deadLetter("bad input"));
        assertThat(outcome).isEqualTo(new NackOutcome(NackOutcome.State.DEAD, Optional.empty()));
        assertNothingClaimable();

        assertThat(queue.deadLetters(10)).singleElement().satisfies(d -> {
            assertThat(d.id()).isEqualTo(id);
            assertThat(d.reason()).isEqualTo("bad input");
            assertThat(d.attempts()).isEqualTo(1);
            assertThat(d.payloadJson()).contains("{\"k\":1}");
            assertThat(d.fileRef()).isEmpty();
            assertThat(d.dedupKey()).contains("poison");
            assertThat(d.enqueuedAt()).isEqualTo(item.enqueuedAt());
            assertThat(d.deadAt()).isAfterOrEqualTo(d.enqueuedAt());
        });
        assertThat(queue.stats().dead()).isEqualTo(1);
        assertStale(() -> queue.ack(item));
        assertThat(queue.enqueue(json("2").dedupKey("poison"))).as("a dead item still deduplicates")
                .isEqualTo(new EnqueueResult(id, true));
    }

    /**
     * Any nack on the item's last attempt dead-letters it, even with a delay: with the nack's reason, or
     * "nacked on attempt N of M" without one.
     */
    @Test
    public void nackOnTheLastAttemptDeadLetters() {
        String a = queue.enqueue(json("\"a\"").maxAttempts(1)).id();
        String b = queue.enqueue(json("\"b\"").maxAttempts(1)).id();
        List<WorkItem> claimed = queue.claim(2, LONG, Duration.ZERO);
        assertThat(queue.nack(claimed.get(0).receipt(), Nack.withBackoff()).state()).isEqualTo(NackOutcome.State.DEAD);
        assertThat(queue.nack(claimed.get(1).receipt(), Nack.retryAfter(Duration.ZERO).reason("parse error")).state())
                .isEqualTo(NackOutcome.State.DEAD);
        assertNothingClaimable();
        assertThat(queue.deadLetters(10)).extracting(DeadLetter::id, DeadLetter::reason, DeadLetter::attempts)
                .containsExactlyInAnyOrder(tuple(a, "nacked on attempt 1 of 1", 1),
                        tuple(b, "parse error", 1));
    }

    /**
     * Redrive right after a last attempt lapsed finds the item: the lapse counts as a death even
     * when nothing else (a claim, stats, the dead-letter list) has looked at the queue since.
     */
    @Test
    public void redriveAllRightAfterALastAttemptLapsedMovesTheItemBack() {
        String id = queue.enqueue(json("1").maxAttempts(1)).id();
        claimOne(shortDuration());
        advance(shortDuration());

        assertThat(queue.redriveAll()).isEqualTo(1);
        WorkItem again = claimOne(shortDuration());
        assertThat(again.id()).isEqualTo(id);
        assertThat(again.attempt()).isEqualTo(1);
    }

    /**
     * An item whose visibility lapses on its last attempt is dead-lettered with the reason "visibility
     * timeout expired on attempt N of M", and its last receipt is stale.
     */
    @Test
    public void lapsedVisibilityOnTheLastAttemptDeadLetters() {
        String id = queue.enqueue(json("1").maxAttempts(2)).id();
        claimOne(shortDuration());
        advance(shortDuration());
        WorkItem last = claimOne(shortDuration());
        assertThat(last.attempt()).isEqualTo(2);
        advance(shortDuration());

        assertThat(queue.deadLetters(10)).singleElement().satisfies(d -> {
            assertThat(d.id()).isEqualTo(id);
            assertThat(d.attempts()).isEqualTo(2);
            assertThat(d.reason()).isEqualTo("visibility timeout expired on attempt 2 of 2");
        });
        assertNothingClaimable();
        assertStale(() -> queue.ack(last));
        QueueStats stats = queue.stats();
        assertThat(stats.dead()).isEqualTo(1);
        assertThat(stats.inFlight()).isZero();
    }

    /** Extend moves the visibility deadline, so the item stays invisible past its first timeout. */
    @Test
    public void extendKeepsTheItemInvisible() {
        queue.enqueue(json("1"));
        WorkItem item = claimOne(shortDuration());
        Instant claimedAt = item.visibleUntil().minus(shortDuration());
        Instant until = queue.extend(item.receipt(), LONG);
        assertAbout(until, claimedAt.plus(LONG));

        advance(shortDuration().multipliedBy(2));
        assertNothingClaimable();
        assertThat(queue.stats().inFlight()).isEqualTo(1);
        queue.ack(item);
        assertThat(queue.stats().acked()).isEqualTo(1);
    }

    /**
     * {@link WorkQueue#ackAndClaim} acknowledges first, each receipt with its own outcome as {@link WorkQueue#ackAll}
     * gives it, then claims: the next items, never the acknowledged ones; with no receipts it is a plain claim.
     */
    @Test
    public void ackAndClaimAcknowledgesThenClaimsTheNextItems() {
        queue.enqueueAll(List.of(json("1"), json("2"), json("3"), json("4")));
        List<WorkItem> first = queue.claim(2, LONG, Duration.ZERO);
        assertThat(first).extracting(i -> i.payloadJson().orElseThrow()).containsExactly("1", "2");
        queue.nack(first.get(1).receipt(), Nack.retryAfter(LONG));

        List<String> receipts = first.stream().map(WorkItem::receipt).toList();
        AckedAndClaimed next = queue.ackAndClaim(receipts, 5, LONG, Duration.ZERO);
        assertThat(next.acks()).extracting(BatchOutcome::receipt).containsExactlyElementsOf(receipts);
        assertThat(next.acks()).extracting(BatchOutcome::ok).containsExactly(true, false);
        assertThat(next.acks().get(1).problemType()).contains(STALE);
        assertThat(next.items()).extracting(i -> i.payloadJson().orElseThrow()).containsExactly("3", "4");

        AckedAndClaimed plain = queue.ackAndClaim(List.of(), 5, LONG, Duration.ZERO);
        assertThat(plain.acks()).isEmpty();
        assertThat(plain.items()).isEmpty();
        QueueStats stats = queue.stats();
        assertThat(stats.acked()).isEqualTo(1);
        assertThat(stats.inFlight()).isEqualTo(2);
        assertThat(stats.delayed()).isEqualTo(1);
    }

    /**
     * A batch ack reports per receipt: a stale receipt among good ones is an outcome with type
     * {@code receipt-stale}, not an exception, and the good ones take effect.
     */
    @Test
    public void ackAllReportsAStaleReceiptAmongGoodOnes() {
        queue.enqueueAll(List.of(json("1"), json("2"), json("3")));
        List<WorkItem> claimed = queue.claim(3, LONG, Duration.ZERO);
        assertThat(claimed).hasSize(3);
        queue.nack(claimed.get(1).receipt(), Nack.retryAfter(LONG));

        List<String> receipts = claimed.stream().map(WorkItem::receipt).toList();
        List<BatchOutcome> outcomes = queue.ackAll(receipts);
        assertThat(outcomes).extracting(BatchOutcome::receipt).containsExactlyElementsOf(receipts);
        assertThat(outcomes).extracting(BatchOutcome::ok).containsExactly(true, false, true);
        assertThat(outcomes.get(1).problemType()).contains(STALE);
        assertThat(outcomes.get(1).problemDetail()).isPresent();
        assertThat(outcomes.get(0).problemType()).isEmpty();
        assertThat(queue.ackAll(List.of())).isEmpty();
        QueueStats stats = queue.stats();
        assertThat(stats.acked()).isEqualTo(2);
        assertThat(stats.delayed()).isEqualTo(1);
    }

    /** Batch extend and batch nack report per receipt: the new deadline, or where the item went. */
    @Test
    public void extendAllAndNackAllReportPerReceipt() {
        queue.enqueueAll(List.of(json("1"), json("2"), json("3")));
        List<WorkItem> claimed = queue.claim(3, shortDuration(), Duration.ZERO);
        Instant claimedAt = claimed.get(0).visibleUntil().minus(shortDuration());
        queue.ack(claimed.get(1));
        List<String> receipts = claimed.stream().map(WorkItem::receipt).toList();

        List<BatchOutcome> extended = queue.extendAll(receipts, LONG);
        assertThat(extended).extracting(BatchOutcome::ok).containsExactly(true, false, true);
        assertAbout(extended.get(0).visibleUntil().orElseThrow(), claimedAt.plus(LONG));
        assertThat(extended.get(1).visibleUntil()).isEmpty();
        assertThat(extended.get(1).problemType()).contains(STALE);
        advance(shortDuration());
        assertNothingClaimable();

        List<BatchOutcome> nacked = queue.nackAll(receipts, Nack.deadLetter("batch"));
        assertThat(nacked).extracting(BatchOutcome::ok).containsExactly(true, false, true);
        assertThat(nacked.get(0).state()).contains(NackOutcome.State.DEAD);
        assertThat(nacked.get(2).state()).contains(NackOutcome.State.DEAD);
        assertThat(nacked.get(1).problemType()).contains(STALE);
        assertThat(queue.deadLetters(10)).extracting(DeadLetter::id)
                .containsExactlyInAnyOrder(claimed.get(0).id(), claimed.get(2).id());
        assertThat(queue.deadLetters(10)).extracting(DeadLetter::reason).containsOnly("batch");
    }

    /**
     * Stats count every state (all zero for an unused queue), and the age of the oldest ready item by its
     * enqueue time.
     */
    @Test
    public void statsCountEveryState() {
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 0, 0, 0, 0, Duration.ZERO));
        queue.enqueue(json("\"ready\""));
        queue.enqueue(json("\"delayed\"").delay(LONG));
        queue.enqueueAll(List.of(json("\"in flight\"").priority(9), json("\"acked\"").priority(9),
                json("\"dead\"").priority(9)));
        List<WorkItem> claimed = queue.claim(3, LONG, Duration.ZERO);
        assertThat(claimed.stream().map(i -> i.payloadJson().orElseThrow()).toList()).containsExactly("\"in flight\"", "\"acked\"", "\"dead\"");
        queue.ack(claimed.get(1));
        queue.nack(claimed.get(2).receipt(), Nack.deadLetter("bad"));

        advance(shortDuration());
        QueueStats stats = queue.stats();
        assertThat(stats.ready()).isEqualTo(1);
        assertThat(stats.delayed()).isEqualTo(1);
        assertThat(stats.inFlight()).isEqualTo(1);
        assertThat(stats.dead()).isEqualTo(1);
        assertThat(stats.acked()).isEqualTo(1);
        assertThat(stats.oldestReadyAge()).isBetween(shortDuration(), shortDuration().plus(tolerance()).plusSeconds(1));
    }

    /**
     * Redrive moves the named dead items back to ready with their attempts reset, skipping ids that are not
     * dead; redrive-all moves the rest. Dead letters are listed earliest death first.
     */
    @Test
    public void redriveMovesDeadItemsBackWithAttemptsReset() {
        String a = queue.enqueue(json("\"a\"").maxAttempts(3)).id();
        String b = queue.enqueue(json("\"b\"").maxAttempts(3)).id();
        String c = queue.enqueue(json("\"c\"")).id();
        List<WorkItem> claimed = queue.claim(2, LONG, Duration.ZERO);
        queue.nack(claimed.get(0).receipt(), Nack.deadLetter("x"));
        advance(Duration.ofMillis(20));
        queue.nack(claimed.get(1).receipt(), Nack.deadLetter("y"));
        assertThat(queue.deadLetters(10)).extracting(DeadLetter::id).containsExactly(a, b);
        assertThat(queue.deadLetters(1)).extracting(DeadLetter::id).containsExactly(a);

        assertThat(queue.redrive(List.of(b, c, "999999999999", "not-an-id"))).isEqualTo(1);
        WorkItem again = claimOne(LONG);
        assertThat(again.id()).isEqualTo(b);
        assertThat(again.attempt()).isEqualTo(1);
        assertThat(queue.deadLetters(10)).extracting(DeadLetter::id).containsExactly(a);

        assertThat(queue.redriveAll()).isEqualTo(1);
        assertThat(queue.redriveAll()).isZero();
        List<WorkItem> rest = queue.claim(10, LONG, Duration.ZERO);
        assertThat(rest).extracting(WorkItem::id).containsExactly(a, c);
        assertThat(rest).extracting(WorkItem::attempt).containsOnly(1);
        assertStale(() -> queue.ack(claimed.get(0)));
        assertThat(queue.deadLetters(10)).isEmpty();
        assertThat(queue.stats().dead()).isZero();
    }

    /**
     * Arguments outside the wire's limits are an {@link IllegalArgumentException} before anything happens;
     * a payload above the item size limit (256 KiB) is a {@link PayloadTooLargeException} and enqueues
     * nothing.
     */
    @Test
    public void argumentsOutsideTheLimitsAreRejected() {
        List<ThrowingCallable> calls = List.of(
                () -> queue.claim(0, LONG, Duration.ZERO),
                () -> queue.claim(1001, LONG, Duration.ZERO),
                () -> queue.claim(1, Duration.ZERO, Duration.ZERO),
                () -> queue.claim(1, Duration.ofHours(13), Duration.ZERO),
                () -> queue.claim(1, LONG, Duration.ofSeconds(21)),
                () -> queue.claim(1, LONG, Duration.ofMillis(-1)),
                () -> queue.claimAsync(0, LONG, Duration.ZERO),
                () -> queue.ack(""),
                () -> queue.ack("r".repeat(257)),
                () -> queue.nack("", Nack.withBackoff()),
                () -> queue.extend("receipt", Duration.ZERO),
                () -> queue.ackAll(List.of("")),
                () -> queue.extendAll(List.of(), Duration.ofHours(13)),
                () -> queue.deadLetters(0),
                () -> queue.deadLetters(1001),
                () -> queue.redrive(List.of()),
                () -> queue.redrive(Collections.nCopies(1001, "1")));
        for (ThrowingCallable call : calls) {
            assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> queue.enqueue(json("\"" + "x".repeat(300_000) + "\"")))
                .isInstanceOf(PayloadTooLargeException.class);
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 0, 0, 0, 0, Duration.ZERO));
    }
}

package io.patternkit.sidecar.engine;

import io.patternkit.sidecar.workqueue.AckOutcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.patternkit.sidecar.workqueue.Backoff;
import io.patternkit.sidecar.workqueue.ClaimedItem;
import io.patternkit.sidecar.workqueue.DeadLetter;
import io.patternkit.sidecar.workqueue.Enqueued;
import io.patternkit.protocol.ItemState;
import io.patternkit.sidecar.workqueue.NackCommand;
import io.patternkit.sidecar.workqueue.NackOutcome;
import io.patternkit.sidecar.workqueue.NewItem;
import io.patternkit.sidecar.workqueue.QueueEngine;
import io.patternkit.sidecar.workqueue.QueueStats;
import io.patternkit.sidecar.workqueue.Receipt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The semantics every {@link QueueEngine} must honour, run against real engines by subclasses.
 *
 * <p>Time: the SQLite engine reads an injectable clock, so its subclass moves a manual clock; the
 * PostgreSQL engine judges time by the server's {@code now()}, which no test can move, so its
 * subclass lets real time pass (through Awaitility polling, never a fixed sleep) with a short time
 * unit. Tests are written in units of {@link #unit()} and compare instants within
 * {@link #tolerance()}.
 */
abstract class QueueEngineContractTest {
    protected QueueEngine engine;
    protected String queue;

    /** Opens a fresh engine with the given backoff. */
    protected abstract QueueEngine open(Backoff backoff);

    /** Lets {@code d} pass on the engine's clock. */
    protected abstract void pass(Duration d);

    /** @return the engine's current time in epoch milliseconds, as near as the test can tell */
    protected abstract long now();

    /** @return the time unit of the tests: long enough to do a few statements within it on a real clock */
    protected abstract long unit();

    /** @return how far apart two instants may be and still count as equal */
    protected abstract long tolerance();

    @BeforeEach
    void openEngine() {
        engine = open(new Backoff(unit(), 4 * unit()));
        queue = "q-" + UUID.randomUUID();
    }

    @AfterEach
    void closeEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    protected static NewItem json(String payload) {
        return new NewItem(payload, null, null, 0, 0, 5, 60_000);
    }

    protected static NewItem item(String dedupKey, long delayMs, int priority, int maxAttempts) {
        return new NewItem("{\"k\":1}", null, dedupKey, delayMs, priority, maxAttempts, 60_000);
    }

    private long enqueue(NewItem item) {
        return engine.enqueue(queue, List.of(item)).get(0).id();
    }

    private ClaimedItem claimOne(long visibilityMs) {
        List<ClaimedItem> items = engine.claim(queue, 1, visibilityMs);
        assertThat(items).hasSize(1);
        return items.get(0);
    }

    private void passUnits(double units) {
        pass(Duration.ofMillis((long) (units * unit())));
    }

    @Test
    void claimReturnsPayloadFileRefAndFirstAttempt() {
        long a = enqueue(json("{\"n\":[1,2]}"));
        long b = enqueue(new NewItem(null, "/data/in-1.csv", "k1", 0, 0, 3, 60_000));
        List<ClaimedItem> items = engine.claim(queue, 10, 30_000);
        assertThat(items).extracting(ClaimedItem::id).containsExactly(a, b);
        assertThat(items.get(0).payloadJson()).isEqualTo("{\"n\":[1,2]}");
        assertThat(items.get(0).fileRef()).isNull();
        assertThat(items.get(1).fileRef()).isEqualTo("/data/in-1.csv");
        assertThat(items.get(1).dedupKey()).isEqualTo("k1");
        assertThat(items.get(1).maxAttempts()).isEqualTo(3);
        assertThat(items).allSatisfy(i -> {
            assertThat(i.attempt()).isEqualTo(1);
            assertThat(i.visibleUntilMs()).isCloseTo(now() + 30_000, within(tolerance()));
        });
        assertThat(engine.claim(queue, 10, 30_000)).isEmpty();
    }

    @Test
    void lapsedVisibilityRedeliversWithNextAttemptAndStalesOldReceipt() {
        long id = enqueue(json("1"));
        ClaimedItem first = claimOne(unit());
        assertThat(engine.claim(queue, 1, unit())).isEmpty();
        assertThat(engine.millisUntilNextVisible(queue).getAsLong()).isBetween(1L, unit());
        passUnits(1.5);
        ClaimedItem second = claimOne(10 * unit());
        assertThat(second.id()).isEqualTo(id);
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.receipt()).isNotEqualTo(first.receipt());
        assertThat(engine.ack(queue, first.receipt())).isFalse();
        assertThat(engine.extend(queue, first.receipt(), unit())).isEmpty();
        assertThat(engine.nack(queue, first.receipt(), new NackCommand(0L, false, null))).isEmpty();
        assertThat(engine.ack(queue, second.receipt())).isTrue();
    }

    @Test
    void nackWithoutDelayBacksOffExponentiallyUpToTheCap() {
        enqueue(item(null, 0, 0, 10));
        long[] expected = {unit(), 2 * unit(), 4 * unit(), 4 * unit()};
        for (long delay : expected) {
            ClaimedItem claimed = claimOne(30_000);
            NackOutcome outcome = engine.nack(queue, claimed.receipt(), new NackCommand(null, false, "boom")).orElseThrow();
            assertThat(outcome.state()).isEqualTo(ItemState.DELAYED);
            assertThat(outcome.visibleAtMs()).isCloseTo(now() + delay, within(tolerance()));
            assertThat(engine.claim(queue, 1, 30_000)).isEmpty();
            pass(Duration.ofMillis(delay + tolerance()));
        }
        assertThat(claimOne(30_000).attempt()).isEqualTo(5);
    }

    @Test
    void nackWithExplicitZeroDelayIsReadyAtOnce() {
        enqueue(json("1"));
        ClaimedItem claimed = claimOne(30_000);
        NackOutcome outcome = engine.nack(queue, claimed.receipt(), new NackCommand(0L, false, null)).orElseThrow();
        assertThat(outcome.state()).isEqualTo(ItemState.READY);
        assertThat(claimOne(30_000).attempt()).isEqualTo(2);
    }

    @Test
    void aClaimGivenBackUndoesItsAttemptEvenTheLastSoNothingIsDeadLetteredUnreceived() {
        enqueue(item(null, 0, 0, 1));
        ClaimedItem unreceived = claimOne(30_000);
        assertThat(engine.giveBack(queue, List.of(unreceived.receipt()))).isEqualTo(1);
        assertThat(engine.giveBack(queue, List.of(unreceived.receipt()))).as("once").isZero();
        assertThat(engine.deadLetterExpired(queue)).isZero();

        ClaimedItem delivered = claimOne(30_000);
        assertThat(delivered.attempt()).isEqualTo(1);
        assertThat(engine.extend(queue, unreceived.receipt(), unit())).as("the undone claim's receipt is stale").isEmpty();
        assertThat(engine.extend(queue, delivered.receipt(), unit())).isPresent(); // not acked: no row left to purge
    }

    @Test
    void aBatchGivenBackReturnsEveryUnsettledClaimAndSkipsTheSettledOne() {
        for (int i = 0; i < 3; i++) {
            enqueue(json(Integer.toString(i)));
        }
        List<ClaimedItem> claimed = engine.claim(queue, 3, 30_000);
        assertThat(claimed).hasSize(3);
        assertThat(engine.ackAll(queue, List.of(claimed.get(1).receipt()))).containsExactly(AckOutcome.ACKED);

        assertThat(engine.giveBack(queue, claimed.stream().map(ClaimedItem::receipt).toList())).isEqualTo(2);
        assertThat(engine.giveBack(queue, List.of())).isZero();
        List<ClaimedItem> again = engine.claim(queue, 3, 30_000);
        assertThat(again).extracting(ClaimedItem::id).containsExactlyInAnyOrder(claimed.get(0).id(), claimed.get(2).id());
        assertThat(again).allSatisfy(item -> assertThat(item.attempt()).as("the given-back attempt undone").isEqualTo(1));
    }

    @Test
    void lapsedLastAttemptIsDeadLetteredWithReason() {
        long id = enqueue(item(null, 0, 0, 2));
        claimOne(unit());
        passUnits(1.5);
        claimOne(unit());
        passUnits(1.5);
        assertThat(engine.deadLetterExpired(queue)).isEqualTo(1);
        assertThat(engine.claim(queue, 1, unit())).isEmpty();
        List<DeadLetter> dead = engine.deadLetters(queue, 10);
        assertThat(dead).singleElement().satisfies(d -> {
            assertThat(d.id()).isEqualTo(id);
            assertThat(d.attempts()).isEqualTo(2);
            assertThat(d.reason()).isEqualTo("visibility timeout expired on attempt 2 of 2");
            assertThat(d.payloadJson()).isEqualTo("{\"k\":1}");
        });
        assertThat(engine.stats(queue).dead()).isEqualTo(1);
    }

    @Test
    void nackOnLastAttemptDeadLettersWithTheHandlersReason() {
        enqueue(item(null, 0, 0, 1));
        ClaimedItem claimed = claimOne(30_000);
        NackOutcome outcome = engine.nack(queue, claimed.receipt(), new NackCommand(null, false, "parse error")).orElseThrow();
        assertThat(outcome).isEqualTo(new NackOutcome(ItemState.DEAD, null));
        assertThat(engine.deadLetters(queue, 10)).singleElement().extracting(DeadLetter::reason).isEqualTo("parse error");
    }

    @Test
    void nackToDeadLetterQueueAndRedriveResetsAttempts() {
        long a = enqueue(json("1"));
        long b = enqueue(json("2"));
        for (ClaimedItem claimed : engine.claim(queue, 2, 30_000)) {
            assertThat(engine.nack(queue, claimed.receipt(), new NackCommand(null, true, null)).orElseThrow().state())
                    .isEqualTo(ItemState.DEAD);
        }
        assertThat(engine.deadLetters(queue, 10)).extracting(DeadLetter::reason).containsOnly("nacked on attempt 1 of 5");
        assertThat(engine.redrive(queue, List.of(b, 999_999_999L), 10)).isEqualTo(1);
        assertThat(claimOne(30_000).id()).isEqualTo(b);
        assertThat(engine.redrive(queue, null, 10)).isEqualTo(1);
        ClaimedItem again = claimOne(30_000);
        assertThat(again.id()).isEqualTo(a);
        assertThat(again.attempt()).isEqualTo(1);
        assertThat(engine.deadLetters(queue, 10)).isEmpty();
    }

    @Test
    void dedupKeyReturnsTheFirstItemUntilItsOwnWindowAfterAckPasses() {
        // A whole unit: on PostgreSQL's real clock the checks before it passes must all fit in it (with a quarter unit,
        // 100 ms, a busy machine once let it pass first).
        long window = unit();
        NewItem keyed = new NewItem("{\"k\":1}", null, "order-7", 0, 0, 5, window);
        long id = enqueue(keyed);
        assertThat(engine.enqueue(queue, List.of(keyed))).containsExactly(new Enqueued(id, true));
        ClaimedItem claimed = claimOne(30_000);
        assertThat(engine.ack(queue, claimed.receipt())).isTrue();
        engine.purgeAcked(0, 0); // its own window, not the purging sidecar's, has not passed (others' rows may go)
        assertThat(engine.enqueue(queue, List.of(keyed))).containsExactly(new Enqueued(id, true));
        assertThat(engine.stats(queue).acked()).isEqualTo(1);
        passUnits(1.5);
        // A sidecar with an hour's window purges it all the same: the item was enqueued with one unit's.
        assertThat(engine.purgeAcked(3_600_000, 0)).isGreaterThanOrEqualTo(1);
        Enqueued fresh = engine.enqueue(queue, List.of(keyed)).get(0);
        assertThat(fresh.duplicate()).isFalse();
        assertThat(fresh.id()).isNotEqualTo(id);
    }

    @Test
    void aDedupKeyIsFreeOnceItsWindowAfterAckHasPassedWhetherOrNotThePurgeHasRun() {
        long window = unit() / 4;
        NewItem keyed = new NewItem("{\"k\":1}", null, "order-8", 0, 0, 5, window);
        NewItem other = new NewItem("{\"k\":2}", null, "order-9", 0, 0, 5, window);
        long id = enqueue(keyed);
        long kept = enqueue(other);
        assertThat(engine.ack(queue, claimOne(30_000).receipt())).isTrue(); // the first: order-8
        passUnits(0.5);
        List<Enqueued> again = engine.enqueue(queue, List.of(keyed, other)); // no purge has run since the ack
        assertThat(again.get(0).duplicate()).isFalse();
        assertThat(again.get(0).id()).isNotEqualTo(id);
        assertThat(again.get(1)).as("not acked: its window has not begun").isEqualTo(new Enqueued(kept, true));
        assertThat(engine.stats(queue).ready()).isEqualTo(2);
    }

    @Test
    void aSidecarWithAShorterWindowDoesNotPurgeAnotherSidecarsItemsEarly() {
        NewItem hours = new NewItem("{\"k\":1}", null, "kept", 0, 0, 5, 3_600_000);
        long id = enqueue(hours);
        assertThat(engine.ack(queue, claimOne(30_000).receipt())).isTrue();
        passUnits(0.5);
        engine.purgeAcked(0, 0); // the purging sidecar's own window is 0 (on a shared database it may purge other tests' rows)
        assertThat(engine.enqueue(queue, List.of(hours))).containsExactly(new Enqueued(id, true));
        assertThat(engine.stats(queue).acked()).isEqualTo(1);
    }

    @Test
    void anAckedItemOutlivesItsWindowByTheRetryGraceSoThatARetriedAckStillSucceeds() {
        enqueue(new NewItem("{}", null, null, 0, 0, 5, 0)); // a dedup window of 0
        Receipt receipt = claimOne(30_000).receipt();
        assertThat(engine.ack(queue, receipt)).isTrue();
        passUnits(0.5);
        engine.purgeAcked(0, 2 * unit()); // its window has passed, the grace after it has not
        assertThat(engine.ackAll(queue, List.of(receipt))).containsExactly(AckOutcome.ALREADY_ACKED);
        assertThat(engine.stats(queue).acked()).isEqualTo(1);
        passUnits(2);
        assertThat(engine.purgeAcked(0, 2 * unit())).isGreaterThanOrEqualTo(1);
        assertThat(engine.stats(queue).acked()).isZero();
    }

    /** Acks {@code count} items enqueued with a dedup window of 0, in batches. */
    protected void ackMany(int count, String payload) {
        for (int enqueued = 0; enqueued < count; enqueued += 1_000) {
            List<NewItem> batch = new ArrayList<>();
            for (int i = 0; i < Math.min(1_000, count - enqueued); i++) {
                batch.add(new NewItem(payload, null, null, 0, 0, 5, 0));
            }
            engine.enqueue(queue, batch);
        }
        for (List<ClaimedItem> claimed = engine.claim(queue, 1_000, 60_000); !claimed.isEmpty();
                claimed = engine.claim(queue, 1_000, 60_000)) {
            assertThat(engine.ackAll(queue, claimed.stream().map(ClaimedItem::receipt).toList())).containsOnly(AckOutcome.ACKED);
        }
        assertThat(engine.stats(queue).acked()).isEqualTo(count);
    }

    @Test
    void thePurgeDeletesInChunksUntilNothingIsDue() {
        ackMany(10_000, "{}"); // exactly two chunks: the purge must ask once more and find none
        passUnits(0.5);
        assertThat(engine.purgeAcked(3_600_000, 0)).isGreaterThanOrEqualTo(10_000);
        assertThat(engine.stats(queue).acked()).isZero();
    }

    @Test
    void batchEnqueueReportsDuplicatesInRequestOrder() {
        long existing = enqueue(item("a", 0, 0, 5));
        List<Enqueued> results = engine.enqueue(queue, List.of(json("1"), item("a", 0, 0, 5), item("b", 0, 0, 5),
                json("2"), item("b", 0, 0, 5)));
        assertThat(results).extracting(Enqueued::duplicate).containsExactly(false, true, false, false, true);
        assertThat(results.get(1).id()).isEqualTo(existing);
        assertThat(results.get(4).id()).isEqualTo(results.get(2).id());
        assertThat(results.get(0).id()).isLessThan(results.get(2).id());
        assertThat(results.get(2).id()).isLessThan(results.get(3).id());
        List<ClaimedItem> claimed = engine.claim(queue, 10, 30_000);
        assertThat(claimed).extracting(ClaimedItem::id)
                .containsExactly(existing, results.get(0).id(), results.get(2).id(), results.get(3).id());
        assertThat(claimed.get(3).payloadJson()).isEqualTo("2");
    }

    @Test
    void delayedItemIsInvisibleUntilTheDelayPasses() {
        enqueue(item(null, 2 * unit(), 0, 5));
        assertThat(engine.claim(queue, 1, 30_000)).isEmpty();
        QueueStats stats = engine.stats(queue);
        assertThat(stats.delayed()).isEqualTo(1);
        assertThat(stats.ready()).isZero();
        OptionalLong next = engine.millisUntilNextVisible(queue);
        assertThat(next.getAsLong()).isBetween(1L, 2 * unit());
        passUnits(2.5);
        assertThat(claimOne(30_000).attempt()).isEqualTo(1);
    }

    /** A parked claim sleeps until the next claimable item; before, a lapsed last attempt made it re-query every millisecond. */
    @Test
    void aLapsedLastAttemptIsNotTheNextVisibleItem() {
        enqueue(item(null, 0, 0, 1));
        claimOne(unit());
        passUnits(1.5); // its only attempt lapsed: no claim hands it out, the sweep dead-letters it
        assertThat(engine.claim(queue, 1, unit())).isEmpty();
        assertThat(engine.millisUntilNextVisible(queue)).isEmpty();
    }

    @Test
    void higherPriorityIsClaimedFirstThenOldestFirst() {
        long low = enqueue(item(null, 0, -1, 5));
        long mid = enqueue(item(null, 0, 0, 5));
        long high1 = enqueue(item(null, 0, 5, 5));
        long high2 = enqueue(item(null, 0, 5, 5));
        assertThat(engine.claim(queue, 2, 30_000)).extracting(ClaimedItem::id).containsExactly(high1, high2);
        assertThat(engine.claim(queue, 10, 30_000)).extracting(ClaimedItem::id).containsExactly(mid, low);
    }

    @Test
    void aLapsedClaimTakesItsPlaceInClaimOrderAmongTheReadyItems() {
        long lapsing = enqueue(item(null, 0, 0, 5));
        claimOne(unit());
        long held = enqueue(item(null, 0, 0, 5));
        claimOne(60 * unit()); // in flight ahead of the ready items, and not lapsing
        long newer = enqueue(item(null, 0, 0, 5));
        long urgent = enqueue(item(null, 0, 5, 5));
        passUnits(1.5);
        assertThat(engine.claim(queue, 10, 30_000)).extracting(ClaimedItem::id).containsExactly(urgent, lapsing, newer)
                .doesNotContain(held);
    }

    @Test
    void aDelayedItemTakesItsPlaceInClaimOrderOnceItsDelayHasPassed() {
        long delayed = enqueue(item(null, unit(), 0, 5));
        long first = enqueue(item(null, 0, 0, 5));
        long second = enqueue(item(null, 0, 0, 5));
        assertThat(claimOne(30_000).id()).isEqualTo(first);
        passUnits(1.5);
        assertThat(engine.stats(queue).ready()).isEqualTo(2);
        assertThat(engine.claim(queue, 10, 30_000)).extracting(ClaimedItem::id).containsExactly(delayed, second);
        assertThat(engine.stats(queue)).extracting(QueueStats::ready, QueueStats::delayed, QueueStats::inFlight)
                .containsExactly(0L, 0L, 3L);
    }

    @Test
    void thePromotionMakesReadyTheDelayedItemsWhoseDelayHasEndedAndNoOthers() {
        long due = enqueue(item(null, unit(), 0, 5));
        enqueue(item(null, 100 * unit(), 0, 5));
        assertThat(engine.promoteDue(queue)).isZero();
        passUnits(1.5);
        assertThat(engine.promoteDue(queue)).isEqualTo(1);
        assertThat(engine.promoteDue(queue)).isZero();
        assertThat(engine.stats(queue)).extracting(QueueStats::ready, QueueStats::delayed).containsExactly(1L, 1L);
        assertThat(engine.claim(queue, 10, 30_000)).extracting(ClaimedItem::id).containsExactly(due);
    }

    @Test
    void ackIsIdempotentForTheLatestReceiptAndStaleOtherwise() {
        enqueue(json("1"));
        ClaimedItem claimed = claimOne(30_000);
        assertThat(engine.ack("other-" + queue, claimed.receipt())).isFalse();
        assertThat(engine.ack(queue, claimed.receipt())).isTrue();
        assertThat(engine.ack(queue, claimed.receipt())).isTrue();
        assertThat(engine.ack(queue, new Receipt(claimed.id(), claimed.epoch() + 1))).isFalse();
        assertThat(engine.nack(queue, claimed.receipt(), new NackCommand(null, false, null))).isEmpty();
        assertThat(engine.extend(queue, claimed.receipt(), 1000)).isEmpty();
        assertThat(engine.stats(queue).acked()).isEqualTo(1);
    }

    @Test
    void batchAckSettlesEachReceiptOnItsOwnAndTellsARepeatFromAFirstAck() {
        engine.enqueue(queue, List.of(json("1"), json("2"), json("3")));
        List<ClaimedItem> claimed = engine.claim(queue, 3, 30_000);
        assertThat(engine.ack(queue, claimed.get(0).receipt())).isTrue();
        Receipt stale = new Receipt(claimed.get(2).id(), claimed.get(2).epoch() + 1);

        List<AckOutcome> outcomes = engine.ackAll(queue, List.of(claimed.get(0).receipt(), claimed.get(1).receipt(),
                stale, new Receipt(Long.MAX_VALUE, 1)));

        assertThat(outcomes).containsExactly(AckOutcome.ALREADY_ACKED, AckOutcome.ACKED, AckOutcome.STALE,
                AckOutcome.STALE);
        QueueStats stats = engine.stats(queue);
        assertThat(stats.acked()).isEqualTo(2);
        assertThat(stats.inFlight()).isEqualTo(1);
    }

    @Test
    void nackedReceiptIsStale() {
        enqueue(json("1"));
        ClaimedItem claimed = claimOne(30_000);
        assertThat(engine.nack(queue, claimed.receipt(), new NackCommand(0L, false, null))).isPresent();
        assertThat(engine.ack(queue, claimed.receipt())).isFalse();
        assertThat(engine.nack(queue, claimed.receipt(), new NackCommand(0L, false, null))).isEmpty();
    }

    @Test
    void extendMovesTheVisibilityDeadline() {
        enqueue(json("1"));
        ClaimedItem claimed = claimOne(unit());
        long until = engine.extend(queue, claimed.receipt(), 4 * unit()).orElseThrow();
        assertThat(until).isCloseTo(now() + 4 * unit(), within(tolerance()));
        passUnits(2);
        assertThat(engine.claim(queue, 1, 30_000)).isEmpty();
        assertThat(engine.ack(queue, claimed.receipt())).isTrue();
    }

    @Test
    void statsCountEveryState() {
        assertThat(engine.stats(queue)).isEqualTo(new QueueStats(0, 0, 0, 0, 0, 0));
        enqueue(json("ready"));
        enqueue(item(null, 100 * unit(), 0, 5));
        List<ClaimedItem> claimed = engine.claim(queue, 1, 30_000);
        enqueue(json("ready-2"));
        enqueue(json("to-ack"));
        enqueue(json("to-kill"));
        passUnits(1);
        List<ClaimedItem> more = engine.claim(queue, 3, 30_000);
        engine.ack(queue, more.get(1).receipt());
        engine.nack(queue, more.get(2).receipt(), new NackCommand(null, true, "bad"));
        engine.nack(queue, more.get(0).receipt(), new NackCommand(0L, false, null));
        QueueStats stats = engine.stats(queue);
        assertThat(stats.ready()).isEqualTo(1);
        assertThat(stats.delayed()).isEqualTo(1);
        assertThat(stats.inFlight()).isEqualTo(1);
        assertThat(stats.dead()).isEqualTo(1);
        assertThat(stats.acked()).isEqualTo(1);
        assertThat(stats.oldestReadyAgeMs()).isCloseTo(unit(), within(tolerance() + unit() / 2));
        assertThat(claimed).hasSize(1);
    }

    @Test
    void statsCountLapsedClaimsByTheirAttemptsLeft() {
        enqueue(item(null, 0, 0, 1)); // its one attempt lapses: in flight until the sweep dead-letters it
        enqueue(item(null, 0, 0, 5)); // lapses with attempts left: ready again, and the oldest ready item
        passUnits(1);
        enqueue(json("ready"));
        assertThat(engine.claim(queue, 2, unit())).extracting(ClaimedItem::maxAttempts).containsExactly(1, 5);
        passUnits(2);
        QueueStats stats = engine.stats(queue);
        assertThat(stats.ready()).isEqualTo(2);
        assertThat(stats.inFlight()).isEqualTo(1);
        assertThat(stats.delayed()).isZero();
        assertThat(stats.oldestReadyAgeMs()).isCloseTo(3 * unit(), within(tolerance() + unit() / 2));
        assertThat(engine.claim(queue, 1, 30_000).get(0).maxAttempts()).isEqualTo(5); // the redelivery first
        assertThat(engine.stats(queue).oldestReadyAgeMs()).isCloseTo(2 * unit(), within(tolerance() + unit() / 2));
    }

    @Test
    void writesOfAnotherEngineInstanceAreReported() {
        assertReportedToAnotherInstance(() -> enqueue(json("1")));
    }

    /** A parked claim sleeps until the next item's visibility; a delayed item may be due sooner than that. */
    @Test
    void delayedWritesOfAnotherEngineInstanceAreReportedToo() {
        assertReportedToAnotherInstance(() -> enqueue(item(null, 100 * unit(), 0, 5)));
    }

    private void assertReportedToAnotherInstance(Runnable write) {
        try (QueueEngine other = open(new Backoff(unit(), 4 * unit()))) {
            AtomicReference<Boolean> seen = new AtomicReference<>(false);
            other.waiting(true); // a claim is parked there: engines need report only then
            other.onExternalChange(q -> {
                if (q == null || q.equals(queue)) {
                    seen.set(true);
                }
            });
            await().pollDelay(Duration.ofMillis(50)).atMost(Duration.ofSeconds(2)).until(() -> {
                seen.set(false);
                return true;
            });
            write.run();
            await().atMost(Duration.ofSeconds(5)).until(seen::get);
        }
    }
}

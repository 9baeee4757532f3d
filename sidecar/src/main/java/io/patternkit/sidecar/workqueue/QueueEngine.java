package io.patternkit.sidecar.workqueue;

import io.patternkit.sidecar.common.EngineException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The storage SPI of the work-queue sidecar: one implementation per engine (SQLite, PostgreSQL).
 *
 * <p>Semantics mirror Amazon SQS: a claim hides an item for a visibility timeout and hands out a
 * receipt; only the item's latest receipt can ack, nack or extend it; an item whose visibility
 * lapses becomes claimable again (a redelivery) until it has used up its {@code maxAttempts},
 * after which it is dead-lettered; dead items can be redriven.
 *
 * <p>Every method is blocking (it runs JDBC) and must be called off the event loop. Every method
 * may throw {@link EngineException} when the engine cannot be reached or fails; client mistakes
 * never reach the engine. Implementations are thread-safe. Time is judged by the engine's clock:
 * an injectable {@link java.time.Clock} for SQLite, the database server's clock for PostgreSQL.
 */
public interface QueueEngine extends AutoCloseable {

    /**
     * How an engine opens the work queue on its shared resources: the work-queue module asks the
     * host's engine for this, since the nack backoff is compiled into the engine's statements.
     */
    @FunctionalInterface
    interface Opener {
        /**
         * @param backoff the nack backoff schedule
         * @return the open engine; the host closes it
         * @throws EngineException when the schema cannot be created or migrated
         */
        QueueEngine open(Backoff backoff);
    }

    /**
     * Enqueues items (SQS SendMessageBatch), honouring dedup keys: an item whose key matches an
     * existing item of the queue (or one acked within the dedup window) is not enqueued, and its
     * result carries the existing item's id with {@code duplicate = true}.
     *
     * @param queue a valid queue name, never null
     * @param items one or more validated items, never null
     * @return one result per item, in the order of {@code items}
     */
    List<Enqueued> enqueue(String queue, List<NewItem> items);

    /**
     * Dead-letters the items of the queue whose visibility timeout has lapsed on their last
     * allowed attempt, with a reason such as "visibility timeout expired on attempt 5 of 5".
     *
     * @param queue a valid queue name
     * @return how many items were dead-lettered
     */
    int deadLetterExpired(String queue);

    /**
     * Makes the queue's delayed items whose delay has ended ready (SQS moves a delayed message to available the same
     * way). A claim takes such items whether or not this has run; it keeps a burst of them, many items whose delays
     * end together, from costing every claim until they are claimed, so housekeeping runs it for each queue served.
     *
     * @param queue a valid queue name
     * @return how many items were made ready
     */
    int promoteDue(String queue);

    /**
     * Claims up to {@code max} visible items (SQS ReceiveMessage without the wait), highest
     * priority first, then oldest first. Each claimed item's attempt and epoch increase by one,
     * so receipts of earlier claims become stale.
     *
     * @param queue a valid queue name
     * @param max at least 1
     * @param visibilityMs the visibility timeout in milliseconds, at least 1
     * @return the claimed items, possibly none, highest priority first
     */
    List<ClaimedItem> claim(String queue, int max, long visibilityMs);

    /**
     * Milliseconds until the earliest delayed or in-flight item of the queue becomes visible,
     * used to wake a parked long-poll. An in-flight item on its last attempt does not count: it is
     * never claimed again, but dead-lettered once its visibility timeout lapses.
     *
     * @param queue a valid queue name
     * @return the delay (0 when something is visible now), or empty when nothing is pending
     */
    OptionalLong millisUntilNextVisible(String queue);

    /**
     * Acknowledges a claimed item (SQS DeleteMessage). Idempotent: acking an acked item with its
     * latest receipt succeeds again.
     *
     * @param queue a valid queue name
     * @param receipt the decoded receipt
     * @return true when acked, false when the receipt is stale (not the item's latest, or the item
     *     is not in flight or acked)
     */
    default boolean ack(String queue, Receipt receipt) {
        return ackAll(queue, List.of(receipt)).get(0).acked();
    }

    /**
     * Acknowledges several claimed items (SQS DeleteMessageBatch), each with the outcome {@link #ack} would give it,
     * told apart from a repeat: an ack of an item acked before with the same receipt (a client's retry) succeeds
     * again as {@link AckOutcome#ALREADY_ACKED}, so that counts of acked items count each item once.
     *
     * @param queue a valid queue name
     * @param receipts one or more decoded receipts
     * @return per receipt, in order, what the ack did
     */
    List<AckOutcome> ackAll(String queue, List<Receipt> receipts);

    /**
     * Gives a claimed item back: retried after {@code command.delayMs()}, or after exponential
     * backoff (base times 2^(attempt-1), capped) when that is null; dead-lettered when
     * {@code command.deadLetter()} or when the item has used up its attempts.
     *
     * @param queue a valid queue name
     * @param receipt the decoded receipt
     * @param command what to do, never null
     * @return where the item went, or empty when the receipt is stale
     */
    Optional<NackOutcome> nack(String queue, Receipt receipt, NackCommand command);

    /**
     * Undoes claims whose answer never reached their client (it went away while the claim ran): each item is
     * ready again at once with the attempt the claim counted taken back, so an item nobody received is neither
     * nearer its dead letter nor counted as redelivered. Unlike {@link #nack}, which settles a delivery, this
     * says there was none.
     *
     * @param queue a valid queue name
     * @param receipts the receipts the claims made, never delivered; at most one claim's worth
     *     ({@code Wire.MAX_BATCH}), as an engine may bind them all in one statement
     * @return how many items were given back (a receipt no longer current gives back nothing)
     */
    long giveBack(String queue, List<Receipt> receipts);

    /**
     * Sets a claimed item's visibility deadline to {@code visibilityMs} from now (SQS
     * ChangeMessageVisibility).
     *
     * @param queue a valid queue name
     * @param receipt the decoded receipt
     * @param visibilityMs milliseconds from now, at least 1
     * @return the new deadline in epoch milliseconds, or empty when the receipt is stale
     */
    OptionalLong extend(String queue, Receipt receipt, long visibilityMs);

    /**
     * Counts the queue's items by state (all zero for a queue never used).
     *
     * @param queue a valid queue name
     * @return the statistics, never null
     */
    QueueStats stats(String queue);

    /**
     * Lists dead-lettered items, oldest death first.
     *
     * @param queue a valid queue name
     * @param limit at most this many, at least 1
     * @return the dead letters, never null
     */
    List<DeadLetter> deadLetters(String queue, int limit);

    /**
     * Moves dead items back to ready with their attempts reset (SQS redrive).
     *
     * @param queue a valid queue name
     * @param ids the item ids to move, or null for all (oldest death first)
     * @param max at most this many items
     * @return how many items were moved
     */
    long redrive(String queue, List<Long> ids, int max);

    /**
     * Deletes acked items whose deduplication window has passed since their ack, ending their deduplication
     * (like the SQS deduplication interval): each item's own window, the one of the sidecar that enqueued it
     * ({@link NewItem#dedupWindowMs()}), so that on a shared database a sidecar with a shorter window does not cut
     * another's short; items enqueued before the window was kept with them get {@code dedupWindowMs}. An item is
     * deleted only once {@code retryGraceMs} more have passed after its window: until then a retried ack of it (its
     * answer lost) still finds it and succeeds ({@link AckOutcome#ALREADY_ACKED}) instead of failing as stale. The
     * grace does not extend the deduplication: an enqueue with the key of an item whose window has passed treats it
     * as gone ({@link #enqueue}).
     *
     * @param dedupWindowMs the window of items enqueued without one, in milliseconds, at least 0
     * @param retryGraceMs how long after its window an acked item is still kept, in milliseconds, at least 0
     * @return how many items were deleted
     */
    int purgeAcked(long dedupWindowMs, long retryGraceMs);

    /**
     * Checks that the engine answers.
     *
     * @throws EngineException when it does not
     */
    void ping();

    /**
     * Tells the engine whether a claim is parked waiting for items, so that an engine that must work to notice
     * other processes' writes (SQLite looks for them) does it only while one is. Called on the service's context
     * whenever the answer may have changed; must not block. Default: nothing (NOTIFY costs nothing while idle).
     *
     * @param anyone whether at least one claim is parked now
     */
    default void waiting(boolean anyone) {
    }

    /**
     * Registers the listener told when items of a queue may have become visible through a write
     * this engine cannot see locally (another process, a NOTIFY). The argument is the queue name,
     * or null when the engine cannot tell which queue changed. Called on an engine thread; the
     * listener must not block. An engine may tell it only while {@link #waiting} is true, and then
     * also of writes made while it was false.
     *
     * @param listener the listener, never null; replaces any earlier one
     */
    void onExternalChange(Consumer<String> listener);

    /**
     * The key receipts are signed with: created at random (32 bytes from a {@link java.security.SecureRandom})
     * by the first sidecar that asks, and read by every later one, so that all sidecars sharing the
     * engine accept each other's receipts.
     *
     * @return the key, 32 bytes
     */
    byte[] receiptKey();

    /** Releases connections and threads; the engine is unusable afterwards. Never throws. */
    @Override
    void close();
}

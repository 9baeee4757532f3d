package io.patternkit.workqueue;

import io.patternkit.core.InvalidRequestException;
import io.patternkit.core.PatternkitException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One named queue of a work-queue sidecar, with Amazon SQS semantics: at-least-once delivery, a
 * visibility timeout per claim, a fresh receipt per delivery (only the latest can settle the item),
 * exponential backoff on nack, dead-lettering after {@code maxAttempts}, and redrive.
 *
 * <p>Obtain from {@link WorkQueueClient#queue(String)}. Thread-safe. Every method throws a
 * {@link PatternkitException} subclass when the sidecar cannot do what was asked (see each method), and
 * {@link IllegalArgumentException} for arguments outside the wire's limits before any call is made.
 * Idempotent operations (enqueue with a dedup key, ack, extend, stats, dead-letter listing) are retried
 * automatically on retryable failures; the others only when the request certainly never left the client.
 */
public interface WorkQueue {
    /** @return the queue's name */
    String name();

    /**
     * Enqueues one item (SQS SendMessage).
     *
     * @param item the item; not null
     * @return its id, or the existing item's id with {@code duplicate} true when the dedup key matched
     * @throws io.patternkit.core.PayloadTooLargeException when the payload exceeds the sidecar's limit
     * @throws InvalidRequestException when the sidecar rejects a field
     */
    EnqueueResult enqueue(Enqueue item);

    /**
     * {@link #enqueue(Enqueue)} without blocking the caller. At most
     * {@link io.patternkit.core.SidecarConfig#maxAsyncCalls()} asynchronous calls of one client are in flight at once;
     * later ones wait their turn in order. Cancelling the future before its call's turn comes means the item is never
     * sent; once sent, the call runs to its end whatever becomes of the future.
     *
     * @param item the item; not null
     * @return a future completed with the result, or exceptionally with the {@link PatternkitException}
     */
    CompletableFuture<EnqueueResult> enqueueAsync(Enqueue item);

    /**
     * Enqueues many items, in calls of at most 1000 (SQS SendMessageBatch). Not atomic across calls: when
     * a call fails, the earlier calls' items stay enqueued; give items dedup keys to make a repeat safe.
     *
     * @param items the items, possibly empty; not null
     * @return one result per item, in order
     */
    List<EnqueueResult> enqueueAll(List<Enqueue> items);

    /**
     * Claims up to {@code max} visible items (SQS ReceiveMessage), long-polling up to {@code wait} when
     * none is visible. Each item is invisible to other claims for {@code visibilityTimeout} and carries a
     * fresh receipt.
     *
     * @param max 1 to 1000
     * @param visibilityTimeout 1 ms to 12 hours
     * @param wait 0 to 20 s; the call timeout is extended by this much
     * @return the claimed items, empty when {@code wait} passed with nothing to claim, or when the calling
     *     thread was interrupted during the wait: an interrupt ends a long-poll early (the sidecar answers
     *     at once, with the items it has claimed by then, so none is lost) and leaves the interrupt flag set
     */
    List<WorkItem> claim(int max, Duration visibilityTimeout, Duration wait);

    /**
     * {@link #claim(int, Duration, Duration)} without blocking the caller.
     *
     * @param max 1 to 1000
     * @param visibilityTimeout 1 ms to 12 hours
     * @param wait 0 to 20 s
     * @return a future completed with the items, or exceptionally with the {@link PatternkitException}
     */
    CompletableFuture<List<WorkItem>> claimAsync(int max, Duration visibilityTimeout, Duration wait);

    /**
     * Acknowledges a delivery: the item is done (SQS DeleteMessage). Idempotent for the same receipt.
     *
     * @param item the delivered item
     * @throws ReceiptStaleException when the receipt is no longer the item's latest
     */
    default void ack(WorkItem item) {
        ack(item.receipt());
    }

    /**
     * Acknowledges a delivery by receipt.
     *
     * @param receipt the delivery's receipt; not null
     * @throws ReceiptStaleException when the receipt is no longer the item's latest
     */
    void ack(String receipt);

    /**
     * Gives a delivery back: to be retried after backoff or a delay, or dead-lettered.
     *
     * @param receipt the delivery's receipt; not null
     * @param how backoff, delay or dead-letter, with an optional reason; not null
     * @return where the item went
     * @throws ReceiptStaleException when the receipt is no longer the item's latest
     */
    NackOutcome nack(String receipt, Nack how);

    /**
     * Sets the delivery's visibility timeout to {@code visibilityTimeout} from now (SQS
     * ChangeMessageVisibility). Idempotent.
     *
     * @param receipt the delivery's receipt; not null
     * @param visibilityTimeout 1 ms to 12 hours
     * @return the new deadline
     * @throws ReceiptStaleException when the receipt is no longer the item's latest
     */
    Instant extend(String receipt, Duration visibilityTimeout);

    /**
     * Acknowledges many receipts, in calls of at most 1000; each receipt gets its own outcome (a stale one
     * is {@code ok == false} with type {@code receipt-stale}, not an exception).
     *
     * @param receipts the receipts, possibly empty; not null
     * @return one outcome per receipt, in order
     */
    List<BatchOutcome> ackAll(List<String> receipts);

    /**
     * Acknowledges {@code receipts}, then claims, in one call to the sidecar where it can: what a consumer that has
     * finished items does before it asks for more, in one round trip instead of two (Google Pub/Sub's streaming
     * pull carries acknowledgements the same way). The acknowledgements are made before the claim waits and stand
     * whatever happens to the claim; each receipt gets its own outcome, as from {@link #ackAll}. The default
     * calls {@link #ackAll} and then {@link #claim}.
     *
     * @param receipts receipts to acknowledge first, possibly empty (a plain claim); more than 1000 are acknowledged
     *     in calls of their own first; not null
     * @param max 1 to 1000
     * @param visibilityTimeout 1 ms to 12 hours
     * @param wait 0 to 20 s; the call timeout is extended by this much
     * @return the outcome of each receipt, in order, and the claimed items, as {@link #claim} returns them
     * @throws io.patternkit.core.PatternkitException when the call fails; the acknowledgements may have been made
     *     (each is idempotent: acknowledge them again)
     */
    default AckedAndClaimed ackAndClaim(List<String> receipts, int max, Duration visibilityTimeout, Duration wait) {
        List<BatchOutcome> acks = ackAll(receipts);
        return new AckedAndClaimed(acks, claim(max, visibilityTimeout, wait));
    }

    /**
     * Nacks many receipts the same way, in calls of at most 1000; each receipt gets its own outcome.
     *
     * @param receipts the receipts, possibly empty; not null
     * @param how backoff, delay or dead-letter; not null
     * @return one outcome per receipt, in order, with the state each item went to
     */
    List<BatchOutcome> nackAll(List<String> receipts, Nack how);

    /**
     * Extends many receipts to the same visibility timeout, in calls of at most 1000.
     *
     * @param receipts the receipts, possibly empty; not null
     * @param visibilityTimeout 1 ms to 12 hours from now
     * @return one outcome per receipt, in order, with the new deadline of each
     */
    List<BatchOutcome> extendAll(List<String> receipts, Duration visibilityTimeout);

    /** @return the queue's depth by state and the age of its oldest ready item (all zero for an unused queue) */
    QueueStats stats();

    /**
     * Lists dead-lettered items, oldest first.
     *
     * @param limit 1 to 1000
     * @return up to {@code limit} dead letters
     */
    List<DeadLetter> deadLetters(int limit);

    /**
     * Moves dead-lettered items back to ready with their attempts reset (SQS redrive).
     *
     * @param ids the dead items' ids, 1 to 1000; ids not in the dead-letter queue are skipped
     * @return how many items were moved back
     */
    long redrive(List<String> ids);

    /** @return how many items were moved back, having redriven the whole dead-letter queue */
    long redriveAll();
}

package io.patternkit.sidecar.workqueue;

/**
 * One delivery of an item (an SQS message with its receipt handle).
 *
 * @param id the item's id
 * @param epoch the claim epoch, part of the receipt
 * @param attempt deliveries so far, 1 on the first
 * @param maxAttempts deliveries before dead-lettering
 * @param payloadJson JSON payload text, or null for a file item
 * @param fileRef file reference, or null for a JSON item
 * @param dedupKey the dedup key, or null
 * @param priority the priority
 * @param enqueuedAtMs enqueue time, epoch milliseconds
 * @param visibleUntilMs when this claim's visibility lapses, epoch milliseconds
 */
public record ClaimedItem(long id, long epoch, int attempt, int maxAttempts, String payloadJson, String fileRef,
                          String dedupKey, int priority, long enqueuedAtMs, long visibleUntilMs) {

    /** @return the receipt of this delivery, never null */
    public Receipt receipt() {
        return new Receipt(id, epoch);
    }
}

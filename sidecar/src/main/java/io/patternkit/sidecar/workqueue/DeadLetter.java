package io.patternkit.sidecar.workqueue;

/**
 * A dead-lettered item.
 *
 * @param id the item id
 * @param payloadJson JSON payload text, or null for a file item
 * @param fileRef file reference, or null
 * @param dedupKey dedup key, or null
 * @param attempts deliveries made
 * @param reason why it died, never null
 * @param enqueuedAtMs enqueue time, epoch milliseconds
 * @param deadAtMs when it died, epoch milliseconds
 */
public record DeadLetter(long id, String payloadJson, String fileRef, String dedupKey, int attempts, String reason,
                         long enqueuedAtMs, long deadAtMs) {
}

package io.patternkit.sidecar.workqueue;

/**
 * A validated item to enqueue.
 *
 * @param payloadJson the JSON payload as text, or null for a file item
 * @param fileRef the file reference, or null for a JSON item (exactly one of the two is set)
 * @param dedupKey the deduplication key, or null
 * @param delayMs milliseconds the item stays invisible after enqueue, at least 0
 * @param priority higher is claimed first, -1000 to 1000
 * @param maxAttempts deliveries before the item is dead-lettered, at least 1
 * @param dedupWindowMs how long the item keeps deduplicating after its ack, in milliseconds, at least 0: the
 *     enqueuing sidecar's {@code --dedup-window}, kept with the item so that whichever sidecar purges it honours it
 */
public record NewItem(String payloadJson, String fileRef, String dedupKey, long delayMs, int priority, int maxAttempts,
        long dedupWindowMs) {
}

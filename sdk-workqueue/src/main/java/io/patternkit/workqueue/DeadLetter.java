package io.patternkit.workqueue;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An item in the dead-letter queue, with the reason it died. Bring it back with
 * {@link WorkQueue#redrive(java.util.List)}.
 *
 * @param id the item's id; never null
 * @param payloadJson the JSON payload, empty for a file item
 * @param fileRef the file reference, empty for a JSON item
 * @param dedupKey the dedup key, when one was given
 * @param attempts deliveries made before it died
 * @param reason why it died (the last nack's reason, or the attempts running out); never null
 * @param enqueuedAt when it was first enqueued; never null
 * @param deadAt when it was dead-lettered; never null
 */
public record DeadLetter(String id, Optional<String> payloadJson, Optional<String> fileRef, Optional<String> dedupKey,
        int attempts, String reason, Instant enqueuedAt, Instant deadAt) {
    /**
     * Checks that the components are present.
     *
     * @param id see {@link #id()}
     * @param payloadJson see {@link #payloadJson()}
     * @param fileRef see {@link #fileRef()}
     * @param dedupKey see {@link #dedupKey()}
     * @param attempts see {@link #attempts()}
     * @param reason see {@link #reason()}
     * @param enqueuedAt see {@link #enqueuedAt()}
     * @param deadAt see {@link #deadAt()}
     */
    public DeadLetter {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(payloadJson, "payloadJson");
        Objects.requireNonNull(fileRef, "fileRef");
        Objects.requireNonNull(dedupKey, "dedupKey");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(enqueuedAt, "enqueuedAt");
        Objects.requireNonNull(deadAt, "deadAt");
    }
}

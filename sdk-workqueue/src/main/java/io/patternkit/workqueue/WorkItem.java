package io.patternkit.workqueue;

import io.patternkit.core.internal.Json;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One delivery of a claimed item: its id, the receipt of this delivery, the attempt number, and its
 * payload (JSON) or file reference. Immutable. Only the latest receipt of an item can ack, nack or
 * extend it (SQS receipt handles); after {@link #visibleUntil()} the item may be redelivered to someone
 * else unless this delivery extends it.
 */
public final class WorkItem {
    private final String id;
    private final String receipt;
    private final int attempt;
    private final int maxAttempts;
    private final String payloadJson;
    private final String fileRef;
    private final String dedupKey;
    private final int priority;
    private final Instant enqueuedAt;
    private final Instant visibleUntil;

    /**
     * For the SDK and for fakes in tests.
     *
     * @param id the item's id; not null
     * @param receipt this delivery's receipt; not null
     * @param attempt the delivery count, from 1
     * @param maxAttempts deliveries before dead-lettering
     * @param payloadJson the JSON payload, or null for a file item
     * @param fileRef the file reference, or null for a JSON item
     * @param dedupKey the dedup key, or null
     * @param priority the priority
     * @param enqueuedAt when it was enqueued; not null
     * @param visibleUntil when this claim lapses; not null
     */
    public WorkItem(String id, String receipt, int attempt, int maxAttempts, String payloadJson, String fileRef,
            String dedupKey, int priority, Instant enqueuedAt, Instant visibleUntil) {
        this.id = Objects.requireNonNull(id, "id");
        this.receipt = Objects.requireNonNull(receipt, "receipt");
        this.attempt = attempt;
        this.maxAttempts = maxAttempts;
        this.payloadJson = payloadJson;
        this.fileRef = fileRef;
        this.dedupKey = dedupKey;
        this.priority = priority;
        this.enqueuedAt = Objects.requireNonNull(enqueuedAt, "enqueuedAt");
        this.visibleUntil = Objects.requireNonNull(visibleUntil, "visibleUntil");
    }

    /** @return the item's id (opaque), the same on every delivery */
    public String id() {
        return id;
    }

    /** @return this delivery's receipt handle (opaque) */
    public String receipt() {
        return receipt;
    }

    /** @return the delivery count: 1 on first delivery */
    public int attempt() {
        return attempt;
    }

    /** @return deliveries before the item is dead-lettered */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** @return true when the item was delivered before (attempt greater than 1) */
    public boolean isRedelivery() {
        return attempt > 1;
    }

    /** @return the JSON payload as text, or empty for a file item */
    public Optional<String> payloadJson() {
        return Optional.ofNullable(payloadJson);
    }

    /**
     * Reads the JSON payload into a type with the SDK's JSON mapper (unknown properties ignored).
     *
     * @param type the target type; not null
     * @param <T> the target type
     * @return the payload as that type (null for a JSON null payload)
     * @throws IllegalStateException for a file item, which has no JSON payload
     * @throws IllegalArgumentException when the payload does not match the type
     */
    public <T> T payloadAs(Class<T> type) {
        if (payloadJson == null) {
            throw new IllegalStateException("item " + id + " is a file item (fileRef " + fileRef
                    + "), not a JSON item; use file() or fileRef()");
        }
        return Json.read(payloadJson, type);
    }

    /** @return the file reference, or empty for a JSON item */
    public Optional<String> fileRef() {
        return Optional.ofNullable(fileRef);
    }

    /**
     * @return the file reference as a local path: a plain path, or a {@code file:} URI; empty for a JSON
     *     item or a reference with another scheme
     */
    public Optional<Path> file() {
        if (fileRef == null) {
            return Optional.empty();
        }
        if (fileRef.startsWith("file:")) {
            return Optional.of(Path.of(URI.create(fileRef)));
        }
        return fileRef.matches("^[A-Za-z][A-Za-z0-9+.-]+://.*") ? Optional.empty() : Optional.of(Path.of(fileRef));
    }

    /** @return the dedup key given at enqueue, or empty */
    public Optional<String> dedupKey() {
        return Optional.ofNullable(dedupKey);
    }

    /** @return the priority; higher is claimed first */
    public int priority() {
        return priority;
    }

    /** @return when the item was first enqueued */
    public Instant enqueuedAt() {
        return enqueuedAt;
    }

    /** @return when this delivery's visibility timeout lapses, unless extended */
    public Instant visibleUntil() {
        return visibleUntil;
    }

    @Override
    public String toString() {
        return "WorkItem{id=" + id + ", attempt=" + attempt + "/" + maxAttempts
                + (fileRef != null ? ", fileRef=" + fileRef : "") + '}';
    }
}

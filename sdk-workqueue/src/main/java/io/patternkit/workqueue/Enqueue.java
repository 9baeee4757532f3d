package io.patternkit.workqueue;

import io.patternkit.core.internal.Json;
import io.patternkit.protocol.Wire;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An item to enqueue: a JSON payload or a file reference, with optional dedup key, delay, priority and
 * max attempts. Immutable; each setter returns a new instance, so a template can be shared:
 * {@code Enqueue.json(order).dedupKey(order.id()).maxAttempts(3)}.
 */
public final class Enqueue {
    private static final int MAX_REF = 4096;
    private static final int MAX_DEDUP = 512;

    private final String payloadJson;
    private final String fileRef;
    private final String dedupKey;
    private final Duration delay;
    private final int priority;
    private final Integer maxAttempts;

    private Enqueue(String payloadJson, String fileRef, String dedupKey, Duration delay, int priority,
            Integer maxAttempts) {
        this.payloadJson = payloadJson;
        this.fileRef = fileRef;
        this.dedupKey = dedupKey;
        this.delay = delay;
        this.priority = priority;
        this.maxAttempts = maxAttempts;
    }

    /**
     * @param json one JSON value as text (object, array, string, number, boolean or null); not null
     * @return an item carrying that payload
     * @throws IllegalArgumentException when the text is not a single JSON value
     */
    public static Enqueue json(String json) {
        return new Enqueue(Json.normalize(json), null, null, null, 0, null);
    }

    /**
     * @param value any value Jackson can serialise (records, maps, lists, numbers...); null gives JSON null.
     *     A {@code String} argument resolves to {@link #json(String)} and is read as JSON text, so a JSON
     *     string payload must be passed quoted, such as {@code "\"hello\""}.
     * @return an item carrying the value serialised as JSON
     * @throws IllegalArgumentException when the value cannot be serialised
     */
    public static Enqueue json(Object value) {
        return new Enqueue(Json.write(value), null, null, null, 0, null);
    }

    /**
     * @param path a file the workers can read; made absolute against the current directory
     * @return a file item referring to it (the Burns stage's input); the file is not read or checked here
     */
    public static Enqueue file(Path path) {
        return fileRef(Objects.requireNonNull(path, "path").toAbsolutePath().toString());
    }

    /**
     * @param ref a path or URI the workers can read, 1 to 4096 characters (Unicode code points, as the sidecar and
     *     JSON Schema count them)
     * @return a file item referring to it
     * @throws IllegalArgumentException when {@code ref} is empty or longer
     */
    public static Enqueue fileRef(String ref) {
        Objects.requireNonNull(ref, "ref");
        checkLength("fileRef", ref, MAX_REF);
        return new Enqueue(null, ref, null, null, 0, null);
    }

    /**
     * @param key 1 to 512 characters (Unicode code points, as the sidecar and JSON Schema count them); a second
     *     enqueue with the same key while the first item exists (or within the dedup window after its ack) enqueues
     *     nothing and reports {@code duplicate}. With a key, enqueue is idempotent and therefore retried automatically.
     * @return a copy with the dedup key
     * @throws IllegalArgumentException when {@code key} is empty or longer
     */
    public Enqueue dedupKey(String key) {
        Objects.requireNonNull(key, "dedupKey");
        checkLength("dedupKey", key, MAX_DEDUP);
        return new Enqueue(payloadJson, fileRef, key, delay, priority, maxAttempts);
    }

    /** @throws IllegalArgumentException when the text is empty or longer than {@code max} code points */
    private static void checkLength(String name, String text, int max) {
        int length = text.codePointCount(0, text.length());
        if (length == 0 || length > max) {
            throw new IllegalArgumentException(name + " must be 1.." + max + " characters, got " + length);
        }
    }

    /**
     * @param delay how long the item stays invisible after enqueue, 0 to 7 days, millisecond precision
     *     (SQS DelaySeconds)
     * @return a copy with the delay
     */
    public Enqueue delay(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative() || delay.toMillis() > Wire.MAX_DELAY_MS) {
            throw new IllegalArgumentException("delay must be 0..7 days, got " + delay);
        }
        return new Enqueue(payloadJson, fileRef, dedupKey, delay, priority, maxAttempts);
    }

    /**
     * @param priority -1000 to 1000, higher is claimed first; default 0
     * @return a copy with the priority
     */
    public Enqueue priority(int priority) {
        if (priority < -1000 || priority > 1000) {
            throw new IllegalArgumentException("priority must be -1000..1000, got " + priority);
        }
        return new Enqueue(payloadJson, fileRef, dedupKey, delay, priority, maxAttempts);
    }

    /**
     * @param maxAttempts deliveries before the item is dead-lettered, 1 to 1000; the sidecar's default is 5
     *     (SQS maxReceiveCount)
     * @return a copy with the limit
     */
    public Enqueue maxAttempts(int maxAttempts) {
        if (maxAttempts < 1 || maxAttempts > 1000) {
            throw new IllegalArgumentException("maxAttempts must be 1..1000, got " + maxAttempts);
        }
        return new Enqueue(payloadJson, fileRef, dedupKey, delay, priority, maxAttempts);
    }

    /** @return the payload as compact JSON text, or empty for a file item */
    public Optional<String> payloadJson() {
        return Optional.ofNullable(payloadJson);
    }

    /** @return the file reference, or empty for a JSON item */
    public Optional<String> fileRef() {
        return Optional.ofNullable(fileRef);
    }

    /** @return the dedup key, or empty when none was set */
    public Optional<String> dedupKey() {
        return Optional.ofNullable(dedupKey);
    }

    /** @return the delay, or empty when none was set (claimable at once) */
    public Optional<Duration> delay() {
        return Optional.ofNullable(delay);
    }

    /** @return the priority (default 0) */
    public int priority() {
        return priority;
    }

    /** @return the max attempts, or empty for the sidecar's default */
    public OptionalInt maxAttempts() {
        return maxAttempts == null ? OptionalInt.empty() : OptionalInt.of(maxAttempts);
    }

    @Override
    public String toString() {
        return "Enqueue{" + (fileRef != null ? "fileRef=" + fileRef : "json payload of " + payloadJson.length()
                + " chars") + (dedupKey != null ? ", dedupKey=" + dedupKey : "") + '}';
    }
}

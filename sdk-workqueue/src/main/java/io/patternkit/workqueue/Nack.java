package io.patternkit.workqueue;

import io.patternkit.protocol.Wire;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to give a claimed item back: with the sidecar's exponential backoff, after a fixed delay (SQS
 * ChangeMessageVisibility to that delay), or straight to the dead-letter queue. Immutable.
 */
public final class Nack {
    /** Longest reason the wire accepts; longer reasons are truncated. */
    public static final int MAX_REASON = 2048;

    private final Duration delay;
    private final boolean deadLetter;
    private final String reason;

    private Nack(Duration delay, boolean deadLetter, String reason) {
        this.delay = delay;
        this.deadLetter = deadLetter;
        this.reason = reason;
    }

    /** @return retry after the sidecar's backoff: base times 2^(attempt-1), capped */
    public static Nack withBackoff() {
        return new Nack(null, false, null);
    }

    /**
     * @param delay retry after exactly this delay, 0 (release at once) to 12 hours, millisecond precision
     * @return the nack
     */
    public static Nack retryAfter(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative() || delay.toMillis() > Wire.MAX_VISIBILITY_MS) {
            throw new IllegalArgumentException("nack delay must be 0..12 hours, got " + delay);
        }
        return new Nack(delay, false, null);
    }

    /**
     * @param reason why the item can never succeed; shown in the dead-letter queue
     * @return a nack that dead-letters the item at once
     */
    public static Nack deadLetter(String reason) {
        return new Nack(null, true, null).reason(reason);
    }

    /**
     * @param reason why the handler failed, kept with the item; truncated to {@link #MAX_REASON} characters, and any
     *     U+0000 (which the wire refuses, as PostgreSQL cannot store it) replaced by U+FFFD
     * @return a copy with the reason
     */
    public Nack reason(String reason) {
        Objects.requireNonNull(reason, "reason");
        return new Nack(delay, deadLetter, truncate(reason));
    }

    /** @return the explicit delay, or empty for the sidecar's backoff (or a dead-letter) */
    public Optional<Duration> delay() {
        return Optional.ofNullable(delay);
    }

    /** @return true when the item goes straight to the dead-letter queue */
    public boolean isDeadLetter() {
        return deadLetter;
    }

    /** @return the reason, or empty when none was given */
    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    private static String truncate(String reason) {
        String s = reason.replace('\0', '\uFFFD');
        if (s.length() <= MAX_REASON) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(MAX_REASON - 1)) ? MAX_REASON - 1 : MAX_REASON;
        return s.substring(0, end);
    }

    @Override
    public String toString() {
        return "Nack{" + (deadLetter ? "deadLetter" : delay == null ? "withBackoff" : "retryAfter " + delay)
                + (reason == null ? "" : ", reason=" + reason) + '}';
    }
}

package io.patternkit.core;

import java.time.Duration;
import java.util.Optional;

/**
 * Root of every failure the Patternkit SDK reports. Unchecked: a call either returns its result or
 * throws one of the subclasses, each of which says what went wrong and what to do about it.
 *
 * <p>Branch on the subclass or on {@link #problemType()}, never on the message text. The
 * {@link #isRetryable()} flag tells whether repeating the same call later may succeed; the SDK has
 * already retried idempotent calls {@code maxRetries} times before throwing.
 */
public class PatternkitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The HTTP status, 0 without a response. */
    private final int status;
    /** The problem type URI, or null. */
    private final String problemType;
    /** Whether the same call may succeed later. */
    private final boolean retryable;
    /** The Retry-After hint, or null. */
    private final Duration retryAfter;

    /**
     * @param message what happened and what to do; never null
     * @param status the HTTP status of the sidecar's answer, or 0 when there was no HTTP response
     * @param problemType the RFC 9457 {@code type} URI of the problem document, or null
     * @param retryable whether the same call may succeed later
     * @param retryAfter the sidecar's {@code Retry-After} hint, or null
     * @param cause the underlying failure, or null
     */
    protected PatternkitException(String message, int status, String problemType, boolean retryable,
            Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.problemType = problemType;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    /** @return true when the same call may succeed if repeated later (outage, timeout, overload) */
    public boolean isRetryable() {
        return retryable;
    }

    /** @return the HTTP status code of the sidecar's answer, or 0 when no HTTP response was received */
    public int status() {
        return status;
    }

    /**
     * @return the RFC 9457 problem {@code type} URI, such as {@code urn:patternkit:problem:receipt-stale},
     *     or empty when the failure carried no problem document
     */
    public Optional<String> problemType() {
        return Optional.ofNullable(problemType);
    }

    /**
     * @return how long the sidecar asked the client to wait before retrying (the {@code Retry-After}
     *     header of a 429 or 503, RFC 9110 section 10.2.3), or empty when it gave no hint
     */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}

package io.patternkit.workqueue;

/**
 * Thrown by a {@link WorkHandler} to send the item straight to the dead-letter queue, without using up
 * its remaining attempts: the item can never succeed (malformed payload, missing input file). Any other
 * exception from a handler means "try again later" (a nack with backoff).
 */
public class PoisonItemException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the item can never succeed. */
    private final String reason;

    /** @param reason why the item can never succeed; kept with the dead letter (at most 2048 characters) */
    public PoisonItemException(String reason) {
        this(reason, null);
    }

    /**
     * @param reason why the item can never succeed; kept with the dead letter (at most 2048 characters)
     * @param cause the failure that proved it, or null
     */
    public PoisonItemException(String reason, Throwable cause) {
        super(reason, cause);
        this.reason = reason;
    }

    /** @return why the item can never succeed, as given */
    public String reason() {
        return reason;
    }
}

package io.patternkit.core;

/**
 * 409: the request lost a race with another actor (a stale receipt, a lost lease, an old fencing
 * token). Pattern modules throw more specific subclasses. Not retryable as is: the state the request
 * relied on is gone.
 */
public class ConflictException extends PatternkitException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what conflicted and what to do
     * @param problemType the problem type URI, or null
     * @param cause the original exception when a pattern module refines a generic conflict, or null
     */
    public ConflictException(String message, String problemType, Throwable cause) {
        super(message, 409, problemType, false, null, cause);
    }
}

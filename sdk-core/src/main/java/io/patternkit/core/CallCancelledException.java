package io.patternkit.core;

/**
 * A long-poll was cancelled because its calling thread was interrupted, as a consumer that stops
 * claiming does. The sidecar sees the connection close; a long-poll still parked there ends without
 * claiming anything. Also a call made after its client was closed (nothing is sent). Not retryable,
 * and no sign of an outage.
 */
public class CallCancelledException extends PatternkitException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message which call was cancelled
     * @param cause the interruption, or null
     */
    public CallCancelledException(String message, Throwable cause) {
        super(message, 0, null, false, null, cause);
    }
}

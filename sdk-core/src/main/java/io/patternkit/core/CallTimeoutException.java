package io.patternkit.core;

/**
 * The sidecar did not answer within the call timeout ({@code SidecarConfig.callTimeout()}, plus the
 * long-poll wait for long-polls). Retryable, but note the request may have been processed: only
 * idempotent calls are repeated automatically.
 */
public class CallTimeoutException extends PatternkitException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what timed out and after how long
     * @param cause the underlying timeout, or null
     */
    public CallTimeoutException(String message, Throwable cause) {
        super(message, 0, null, true, null, cause);
    }
}

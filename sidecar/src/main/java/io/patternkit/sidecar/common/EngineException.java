package io.patternkit.sidecar.common;

/**
 * The engine could not be reached or failed a statement. Answered as 503
 * {@code engine-unavailable} with {@code Retry-After}; the request may be retried.
 */
public class EngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, never containing payloads or secrets
     * @param cause the underlying failure, may be null
     */
    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.patternkit.core;

/**
 * The sidecar's answer could not be understood: a garbage, truncated or unparseable body, a broken
 * connection mid-response, or a status the contract does not allow for this call. Usually a version
 * mismatch between SDK and sidecar, something other than a Patternkit sidecar at the base URL, or a sidecar that
 * does not run the pattern (404 {@code route-not-found}). Not retryable.
 */
public class ProtocolException extends PatternkitException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was wrong with the answer
     * @param status the HTTP status, or 0 when the response never arrived whole
     * @param problemType the problem type URI, or null
     * @param cause the parse or I/O failure, or null
     */
    public ProtocolException(String message, int status, String problemType, Throwable cause) {
        super(message, status, problemType, false, null, cause);
    }
}

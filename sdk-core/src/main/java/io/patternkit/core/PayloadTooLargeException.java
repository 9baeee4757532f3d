package io.patternkit.core;

/**
 * 413 {@code payload-too-large}: the body or one item is larger than the sidecar accepts. Not
 * retryable: send smaller items, or pass large data by file reference.
 */
public class PayloadTooLargeException extends PatternkitException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the sidecar's detail and what to do
     * @param problemType the problem type URI, or null
     */
    public PayloadTooLargeException(String message, String problemType) {
        super(message, 413, problemType, false, null, null);
    }
}

package io.patternkit.core;

/**
 * 404 {@code not-found}: no such route or resource. Usually the base URL points at the wrong sidecar
 * (for example the leader sidecar instead of the work-queue sidecar). Not retryable.
 */
public class NotFoundException extends PatternkitException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was not found
     * @param problemType the problem type URI, or null
     */
    public NotFoundException(String message, String problemType) {
        super(message, 404, problemType, false, null, null);
    }
}

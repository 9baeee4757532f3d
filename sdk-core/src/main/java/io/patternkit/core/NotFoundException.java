package io.patternkit.core;

/**
 * 404 {@code not-found}: the resource is absent on a route the sidecar serves (a checkpoint never saved, a pool
 * without leaves). A 404 for a path the server does not serve at all ({@code route-not-found}: the base URL names a
 * sidecar that does not run the pattern, or something else) is a {@link ProtocolException} instead, so that a wrong
 * URL never reads as "absent". Not retryable.
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

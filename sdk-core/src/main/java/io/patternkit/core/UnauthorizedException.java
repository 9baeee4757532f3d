package io.patternkit.core;

/**
 * 401 {@code unauthorized}: the sidecar requires an API token and the request carried none or a wrong
 * one. Set {@code PATTERNKIT_API_TOKEN} (or {@code PATTERNKIT_API_TOKEN_FILE}) to the sidecar's token,
 * or pass it with {@code SidecarConfig.Builder.apiToken}. Not retryable.
 */
public class UnauthorizedException extends PatternkitException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what to do about it
     * @param problemType the problem type URI, or null
     */
    public UnauthorizedException(String message, String problemType) {
        super(message, 401, problemType, false, null, null);
    }
}

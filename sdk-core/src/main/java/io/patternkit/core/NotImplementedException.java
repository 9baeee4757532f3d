package io.patternkit.core;

/**
 * 501: the sidecar understood the request but cannot do it where it runs, or was not started to (such as
 * "replicate yourself" outside Kubernetes, or without {@code --scale-max}); the message says what is missing.
 * Not retryable: the deployment has to change, not the call.
 */
public class NotImplementedException extends PatternkitException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what cannot be done and what would enable it
     * @param problemType the problem type URI, or null
     */
    public NotImplementedException(String message, String problemType) {
        super(message, 501, problemType, false, null, null);
    }
}

package io.patternkit.lifecycle;

import io.patternkit.core.ConflictException;
import io.patternkit.protocol.ProblemType;

/**
 * 409 {@code fencing-token-stale}: the checkpoint has seen a newer fencing token: a newer holder (the
 * next leader) has taken over. Stop writing; do not retry with the same token.
 */
public class FencingTokenStaleException extends ConflictException {
    private static final long serialVersionUID = 1L;

    /** @param detail what the sidecar said */
    public FencingTokenStaleException(String detail) {
        super("checkpoint write refused: " + detail, ProblemType.FENCING_TOKEN_STALE.uri(), null);
    }

    /**
     * @param detail what the sidecar said
     * @param cause the generic conflict as mapped from the wire, kept with its status and problem type; may be null
     */
    public FencingTokenStaleException(String detail, ConflictException cause) {
        super("checkpoint write refused: " + detail, ProblemType.FENCING_TOKEN_STALE.uri(), cause);
    }
}

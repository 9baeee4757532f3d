package io.patternkit.lifecycle;

import io.patternkit.core.ConflictException;
import io.patternkit.protocol.ProblemType;

/**
 * 409 {@code version-conflict}: the checkpoint is not at the version the save expected; another writer
 * came first. Read it again and decide whether to save over it.
 */
public class VersionConflictException extends ConflictException {
    private static final long serialVersionUID = 1L;

    /** @param detail what the sidecar said */
    public VersionConflictException(String detail) {
        super("checkpoint save refused: " + detail, ProblemType.VERSION_CONFLICT.uri(), null);
    }

    /**
     * @param detail what the sidecar said
     * @param cause the generic conflict as mapped from the wire, kept with its status and problem type; may be null
     */
    public VersionConflictException(String detail, ConflictException cause) {
        super("checkpoint save refused: " + detail, ProblemType.VERSION_CONFLICT.uri(), cause);
    }
}

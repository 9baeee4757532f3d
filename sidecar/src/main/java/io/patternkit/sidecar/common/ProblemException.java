package io.patternkit.sidecar.common;

import io.patternkit.protocol.ProblemType;
import java.util.List;

/**
 * A request the sidecar answers with an RFC 9457 problem of a stable type (bad input, stale
 * receipt, too large). Never caused by a sidecar bug.
 */
public class ProblemException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The problem type, whose status is the response status. */
    private final ProblemType type;
    /** Offending fields for {@code invalid-request}; empty otherwise. */
    private final transient List<FieldError> errors;

    /**
     * Creates the exception.
     *
     * @param type the problem type, never null
     * @param detail the human-readable detail, never containing payloads or secrets
     * @param errors the offending fields, never null (empty when not applicable)
     */
    public ProblemException(ProblemType type, String detail, List<FieldError> errors) {
        super(detail);
        this.type = type;
        this.errors = List.copyOf(errors);
    }

    /**
     * Creates an exception without field errors.
     *
     * @param type the problem type, never null
     * @param detail the human-readable detail
     */
    public ProblemException(ProblemType type, String detail) {
        this(type, detail, List.of());
    }

    /** @return the problem type, never null */
    public ProblemType type() {
        return type;
    }

    /** @return the offending fields, never null */
    public List<FieldError> errors() {
        return errors == null ? List.of() : errors;
    }
}

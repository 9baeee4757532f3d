package io.patternkit.core;

import java.util.List;

/**
 * 400 {@code invalid-request}: the sidecar rejected the request's body, parameters or path. Not
 * retryable: fix the offending fields listed in {@link #fieldErrors()}.
 */
public class InvalidRequestException extends PatternkitException {
    private static final long serialVersionUID = 1L;

    /** The offending fields. */
    private final List<FieldError> fieldErrors;

    /**
     * @param message the sidecar's detail and the field errors
     * @param problemType the problem type URI, or null
     * @param fieldErrors the offending fields; never null, possibly empty
     */
    public InvalidRequestException(String message, String problemType, List<FieldError> fieldErrors) {
        super(message, 400, problemType, false, null, null);
        this.fieldErrors = List.copyOf(fieldErrors);
    }

    /** @return one entry per offending field, in the sidecar's order; never null, possibly empty */
    public List<FieldError> fieldErrors() {
        return fieldErrors;
    }
}

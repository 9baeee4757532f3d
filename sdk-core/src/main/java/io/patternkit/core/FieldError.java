package io.patternkit.core;

import java.util.Objects;

/**
 * One offending field of a rejected request, from the {@code errors} member of an
 * {@code invalid-request} problem document.
 *
 * @param field the field's name or JSON pointer as reported by the sidecar; never null
 * @param message why the value was rejected; never null
 */
public record FieldError(String field, String message) {
    /**
     * Checks that the components are present.
     *
     * @param field see {@link #field()}
     * @param message see {@link #message()}
     */
    public FieldError {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }
}

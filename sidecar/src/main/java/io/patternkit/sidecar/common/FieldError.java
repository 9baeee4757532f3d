package io.patternkit.sidecar.common;

/**
 * One offending field of an invalid request, as listed in the {@code errors} member of an
 * {@code invalid-request} problem.
 *
 * @param field a JSON-pointer-like path such as {@code items[2].delayMs}, or {@code body}
 * @param message what is wrong, never echoing the value
 */
public record FieldError(String field, String message) {
}

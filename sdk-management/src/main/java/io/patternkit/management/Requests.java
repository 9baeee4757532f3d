package io.patternkit.management;

import io.patternkit.protocol.ProblemType;
import java.util.Optional;

/** What the built-in management endpoints check in a request the same way: the method, a bounded integer query. */
final class Requests {
    private Requests() {
    }

    /**
     * @param request the request
     * @return a 405 problem with {@code Allow: GET} for any other method; empty for GET
     */
    static Optional<ManagementResponse> onlyGet(ManagementRequest request) {
        return "GET".equals(request.method()) ? Optional.empty() : Optional.of(ManagementResponse
                .problem(ProblemType.METHOD_NOT_ALLOWED, "use GET").withHeader("Allow", "GET"));
    }

    /**
     * @param request the request
     * @param name the query parameter
     * @param fallback its value when absent
     * @param min the smallest value allowed
     * @param max the largest value allowed
     * @return the value; empty when present but not an integer from {@code min} to {@code max}, or undecodable
     */
    static Optional<Integer> intInRange(ManagementRequest request, String name, int fallback, int min, int max) {
        try {
            int value = request.query(name).map(Integer::parseInt).orElse(fallback);
            return value < min || value > max ? Optional.empty() : Optional.of(value);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * @param detail what is wrong with the request
     * @return a 400 {@code invalid-request} problem
     */
    static ManagementResponse invalid(String detail) {
        return ManagementResponse.problem(ProblemType.INVALID_REQUEST, detail);
    }
}

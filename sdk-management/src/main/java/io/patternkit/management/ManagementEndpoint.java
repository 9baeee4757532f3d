package io.patternkit.management;

/**
 * Serves one path of the {@link ManagementServer}. Called on one of the server's worker threads (never
 * on its event loop), so it may block; it is called concurrently for concurrent requests and must be
 * thread-safe.
 */
@FunctionalInterface
public interface ManagementEndpoint {
    /**
     * Answers one request; the endpoint checks the method itself (answer
     * {@link ManagementResponse#problem(io.patternkit.protocol.ProblemType, String)} with
     * {@code METHOD_NOT_ALLOWED} for others).
     *
     * @param request the request, with its body read and its token checked
     * @return the answer; not null
     * @throws Exception any failure; the server answers 500 {@code urn:patternkit:problem:internal} with a
     *     detail that names only the exception's class, and logs it at WARN
     */
    ManagementResponse handle(ManagementRequest request) throws Exception;
}

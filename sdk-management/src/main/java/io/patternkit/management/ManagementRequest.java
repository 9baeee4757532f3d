package io.patternkit.management;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * One HTTP request received by the {@link ManagementServer}, as handed to a {@link ManagementEndpoint}:
 * the body has been read in full (within the server's size cap) and the bearer token, when configured,
 * has been checked. Implemented by the server; applications only read it.
 */
public interface ManagementRequest {
    /** @return the HTTP method in upper case, such as {@code POST} */
    String method();

    /** @return the request path without the query string, such as {@code /patternkit/leaf/search} */
    String path();

    /**
     * @param name the header name, case-insensitive
     * @return the header's first value, or empty when absent
     */
    Optional<String> header(String name);

    /**
     * @param name a query parameter's name, case-sensitive
     * @return its value, percent-decoded, or empty when absent
     * @throws IllegalArgumentException when the query string is not valid percent-encoding, or the parameter
     *     is given more than once (ambiguous); endpoints answer it with 400
     */
    Optional<String> query(String name);

    /**
     * The one value of a query parameter, as every host's {@link #query(String)} reads it.
     *
     * @param name the parameter's name, for the error
     * @param values its values in the query string, possibly none
     * @return the value, or empty when absent
     * @throws IllegalArgumentException when it is given more than once: ambiguous, since a proxy or cache in between
     *     may have read another one
     */
    static Optional<String> onlyValue(String name, List<String> values) {
        if (values.size() > 1) {
            throw new IllegalArgumentException("the query parameter " + name + " is given more than once");
        }
        return values.stream().findFirst();
    }

    /** @return the request body; empty, never null, when the request had none. The array is not copied. */
    byte[] body();

    /**
     * Completes (normally, with null) when the client closes the connection before the answer has been
     * sent: the caller gave up, for example a scatter root cancelling a hedged loser or running out of
     * deadline. Never completes when the answer was sent first. Callbacks run on a server thread and
     * must not block.
     *
     * @return the stage
     */
    CompletionStage<Void> whenClosed();

    /** @return true once {@link #whenClosed()} has completed */
    boolean isClosed();
}

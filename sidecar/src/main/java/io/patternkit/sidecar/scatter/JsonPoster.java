package io.patternkit.sidecar.scatter;

import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Sends one JSON POST (a leaf call or a merge call) and reports the answer once. Answers are
 * untrusted: anything but a 200 with a JSON body within the size limit is a failure with a short
 * reason. Implementations deliver {@code onReply} on the caller's context (see {@link TaskScheduler})
 * and never after {@link TaskScheduler.Cancellable#cancel()}.
 */
public interface JsonPoster {
    /**
     * Starts the POST. Never throws: any failure, a URL the client cannot use included, is a failed reply (which may
     * come before this method returns).
     *
     * @param url the absolute {@code http} or {@code https} URL
     * @param headers extra request headers (the content type is always {@code application/json})
     * @param body the JSON body
     * @param timeout the longest the caller waits for the answer: past it the POST stops waiting for a connection
     *     (a cancel cannot reach a request still waiting for one); the connection attempt itself ends at the client's
     *     own connect timeout
     * @param onReply called once with the answer, unless the request was cancelled first
     * @return a handle that cancels the request (for HTTP/1.1, by closing its connection)
     */
    TaskScheduler.Cancellable post(String url, Map<String, String> headers, Buffer body, Duration timeout,
                                   Consumer<Reply> onReply);

    /**
     * The outcome of a POST: exactly one of {@code body} and {@code failure} is non-null.
     *
     * @param body the parsed JSON answer of a 200, or null on failure
     * @param failure a short reason (never containing the answer's payload), or null on success
     */
    record Reply(JsonNode body, String failure) {
        /**
         * @param body the parsed answer, never null
         * @return a success
         */
        public static Reply answered(JsonNode body) {
            return new Reply(body, null);
        }

        /**
         * @param reason why the POST failed, never null
         * @return a failure
         */
        public static Reply failed(String reason) {
            return new Reply(null, reason);
        }

        /** @return whether the POST answered 200 with JSON */
        public boolean ok() {
            return failure == null;
        }
    }
}

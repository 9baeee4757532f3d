package io.patternkit.sidecar.scatter;

import io.patternkit.sidecar.host.OutboundToken;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

/**
 * Calls a merge container with the answered parts of a scatter call:
 * {@code POST mergeUrl {"pool","scatterId","request","parts":[{"shard","response"}]}}, parts in the
 * order they answered, within the merge timeout; the token goes along as for leaves. Runs on the
 * caller's context.
 */
public final class MergeClient {
    private final JsonPoster poster;
    private final TaskScheduler scheduler;
    private final OutboundToken token;
    private final JsonMapper mapper;

    /**
     * Creates the client.
     *
     * @param poster sends the call
     * @param scheduler times the call out
     * @param token the API token as sent to merge containers (never in clear over a network)
     * @param mapper the JSON mapper
     */
    public MergeClient(JsonPoster poster, TaskScheduler scheduler, OutboundToken token, JsonMapper mapper) {
        this.poster = poster;
        this.scheduler = scheduler;
        this.token = token;
        this.mapper = mapper;
    }

    /**
     * Merges, reporting once: the merged answer, or a failure whose reason says why.
     *
     * @param url the merge container's URL
     * @param timeout the budget of the call
     * @param requestJson the scatter's request, serialised
     * @param outcome the gathered outcome
     * @param onReply receives the answer once
     */
    public void merge(String url, Duration timeout, String requestJson, ScatterOutcome outcome, Consumer<JsonPoster.Reply> onReply) {
        ObjectNode body = mapper.createObjectNode().put("pool", outcome.pool()).put("scatterId", outcome.scatterId());
        body.putRawValue("request", new RawValue(requestJson));
        ArrayNode parts = body.putArray("parts");
        outcome.answerOrder().forEach(p -> parts.addObject().put("shard", p.shard()).set("response", p.response()));
        Map<String, String> headers = new HashMap<>();
        try {
            token.authorizationFor(url).ifPresent(value -> headers.put("Authorization", value));
        } catch (IllegalStateException refused) {
            onReply.accept(JsonPoster.Reply.failed(refused.getMessage()));
            return;
        }
        byte[] bytes;
        try {
            bytes = mapper.writeValueAsBytes(body);
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot serialise the merge call", e);
        }
        boolean[] done = new boolean[1];
        TaskScheduler.Cancellable[] request = new TaskScheduler.Cancellable[1];
        TaskScheduler.Cancellable timer = scheduler.schedule(timeout, () -> {
            if (!done[0]) {
                done[0] = true;
                request[0].cancel();
                onReply.accept(JsonPoster.Reply.failed("no answer within the merge timeout of " + timeout.toMillis() + " ms"));
            }
        });
        request[0] = poster.post(url, headers, Buffer.buffer(bytes), timeout, reply -> {
            if (!done[0]) {
                done[0] = true;
                timer.cancel();
                onReply.accept(reply);
            }
        });
    }
}

package io.patternkit.sidecar.scatter;

import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Leaves under the test's control: every POST waits until the test answers, fails or the engine cancels it. */
final class FakePoster implements JsonPoster {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    final List<Post> posts = new ArrayList<>();

    /** One POST the engine sent. */
    static final class Post {
        final String url;
        final Map<String, String> headers;
        final JsonNode body;
        final Consumer<Reply> onReply;
        boolean cancelled;
        boolean replied;

        Post(String url, Map<String, String> headers, JsonNode body, Consumer<Reply> onReply) {
            this.url = url;
            this.headers = headers;
            this.body = body;
            this.onReply = onReply;
        }

        void answer(String json) {
            reply(Reply.answered(parse(json)));
        }

        void fail(String reason) {
            reply(Reply.failed(reason));
        }

        private void reply(Reply reply) {
            if (cancelled || replied) {
                throw new IllegalStateException("the engine no longer waits for " + url);
            }
            replied = true;
            onReply.accept(reply);
        }
    }

    /** A leaf URL whose POSTs fail at once, before post() returns (connection refused). */
    String refusing = "http://refused/";

    @Override
    public TaskScheduler.Cancellable post(String url, Map<String, String> headers, Buffer body, Duration timeout,
                                          Consumer<Reply> onReply) {
        Post post = new Post(url, Map.copyOf(headers), parse(body.toString()), onReply);
        posts.add(post);
        if (url.startsWith(refusing)) {
            post.fail("connection refused");
        }
        return () -> post.cancelled = true;
    }

    List<Post> to(String url) {
        return posts.stream().filter(p -> p.url.equals(url)).toList();
    }

    Post last() {
        return posts.get(posts.size() - 1);
    }

    static JsonNode parse(String json) {
        return MAPPER.readTree(json);
    }
}

package io.patternkit.sidecar.http;

import com.atlassian.oai.validator.model.SimpleRequest;
import io.patternkit.protocol.Wire;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real leaf over HTTP (a small Vert.x server at {@code /patternkit/leaf/{pool}}), behaving as the
 * test says, recording the calls it gets and the connections closed before it answered.
 */
final class TestLeaf implements AutoCloseable {
    enum Mode { ANSWER, NEVER, FAIL, GARBAGE, HUGE, GATED }

    /** A decimal a double cannot hold, and a trailing zero: an answer must reach the caller as sent. */
    static final String EXACT_SCORE = "0.12345678901234567890";

    final String pool;
    final String shard;
    final String leafId;
    volatile Mode mode;
    final List<SimpleRequest> calls = new CopyOnWriteArrayList<>();
    final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();
    final List<String> bodies = new CopyOnWriteArrayList<>();
    final AtomicInteger closedBeforeAnswer = new AtomicInteger();
    final BlockingQueue<HttpServerResponse> gated = new LinkedBlockingQueue<>();
    private final HttpServer server;

    TestLeaf(Vertx vertx, String pool, String shard, String leafId, Mode mode) {
        this.pool = pool;
        this.shard = shard;
        this.leafId = leafId;
        this.mode = mode;
        this.server = vertx.createHttpServer().requestHandler(this::handle);
        server.listen(0, "127.0.0.1").await();
    }

    int port() {
        return server.actualPort();
    }

    String url() {
        return "http://127.0.0.1:" + port() + Wire.LEAF_PATH_PREFIX + pool;
    }

    private void handle(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        if (request.method() == HttpMethod.GET) {
            response.putHeader("Content-Type", "application/json")
                    .end("{\"pool\":\"" + pool + "\",\"shard\":\"" + shard + "\",\"leafId\":\"" + leafId + "\"}");
            return;
        }
        response.closeHandler(v -> {
            if (!response.ended()) {
                closedBeforeAnswer.incrementAndGet();
            }
        });
        request.body().onSuccess(body -> {
            SimpleRequest.Builder b = SimpleRequest.Builder.post(request.path()).withBody(body.toString());
            Map<String, String> seen = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            request.headers().forEach(h -> {
                seen.put(h.getKey(), h.getValue());
                if (h.getKey().equalsIgnoreCase("Content-Type")) {
                    b.withContentType(h.getValue());
                } else {
                    b.withHeader(h.getKey(), h.getValue());
                }
            });
            headers.add(seen);
            bodies.add(body.toString());
            calls.add(b.build());
            switch (mode) {
                case ANSWER -> response.putHeader("Content-Type", "application/json")
                        .end("{\"leaf\":\"" + leafId + "\",\"shard\":\"" + shard + "\",\"score\":" + EXACT_SCORE + "}");
                case FAIL -> response.setStatusCode(500).putHeader("Content-Type", Wire.PROBLEM_JSON)
                        .end("{\"type\":\"urn:patternkit:problem:leaf-failed\",\"title\":\"Leaf failed\",\"status\":500,"
                                + "\"detail\":\"index unavailable\"}");
                case GARBAGE -> response.putHeader("Content-Type", "application/json").end("{not json at all");
                case HUGE -> response.putHeader("Content-Type", "application/json").end("\"" + "x".repeat(64 * 1024) + "\"");
                case GATED -> gated.add(response);
                case NEVER -> { }
                default -> throw new IllegalStateException();
            }
        });
    }

    /** Answers the oldest gated call; fails the test when none arrives in time. */
    void release() throws InterruptedException {
        HttpServerResponse response = gated.poll(10, TimeUnit.SECONDS);
        if (response == null) {
            throw new AssertionError("no gated call reached leaf " + leafId);
        }
        response.putHeader("Content-Type", "application/json").end("{\"leaf\":\"" + leafId + "\"}");
    }

    @Override
    public void close() {
        server.close().await();
    }
}

package io.patternkit.sidecar.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A replica of an upstream behind the ambassador: a small Vert.x server answering as the test says,
 * naming itself in {@code Replica}, recording every request (method, URI, deadline header, body).
 * {@link #close()} makes it refuse connections, as a killed replica does.
 */
final class TestUpstream implements AutoCloseable {
    enum Mode { ANSWER, UNAVAILABLE, NEVER, RESET }

    /** One request as the replica received it; {@code headers} by lower-case name. */
    record Seen(String method, String uri, String deadlineMs, String body, Map<String, String> headers) {
    }

    final String name;
    volatile Mode mode = Mode.ANSWER;
    /** Further header fields of an answer in {@link Mode#ANSWER}. */
    volatile Map<String, String> answerHeaders = Map.of();
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    /** Requests whose connection was closed before they were answered (a hedge won, a timeout passed). */
    final AtomicInteger calledOff = new AtomicInteger();
    private final HttpServer server;

    TestUpstream(Vertx vertx, String name) {
        this.name = name;
        this.server = vertx.createHttpServer().requestHandler(this::handle);
        server.listen(0, "127.0.0.1").await();
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            Map<String, String> headers = new HashMap<>();
            request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
            seen.add(new Seen(request.method().name(), request.uri(), request.getHeader("Patternkit-Deadline-Ms"), body.toString(), headers));
            switch (mode) {
                case ANSWER -> {
                    HttpServerResponse response = request.response().putHeader("Replica", name).putHeader("Content-Type", "text/plain");
                    answerHeaders.forEach(response::putHeader);
                    response.end(name + " " + request.method() + " " + request.uri() + " " + body);
                }
                case UNAVAILABLE -> request.response().setStatusCode(503).putHeader("Replica", name).end("busy");
                case NEVER -> request.response().closeHandler(v -> calledOff.incrementAndGet()); // never answered
                case RESET -> request.connection().close(); // read the request, then cut the connection without an answer
            }
        });
    }

    @Override
    public void close() {
        server.close().await();
    }
}

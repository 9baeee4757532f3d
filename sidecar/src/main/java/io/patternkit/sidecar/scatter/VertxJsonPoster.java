package io.patternkit.sidecar.scatter;

import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.common.ConnectionAttempts;
import io.patternkit.sidecar.common.JsonMappers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link JsonPoster} on Vert.x's asynchronous HTTP client: no thread per request, connections
 * pooled per leaf. A cancelled request is reset, which for HTTP/1.1 closes its connection, so the
 * leaf sees the close. Answers are read up to {@code maxResponseBytes} (the connection is closed
 * beyond it) and must be a 200 with a JSON body; a problem document's {@code detail} (cut to 200
 * characters) becomes the failure reason, never the rest of a body.
 */
public final class VertxJsonPoster implements JsonPoster, AutoCloseable {
    private static final int MAX_DETAIL = 200;

    private final HttpClientAgent client;
    private final LeafTls tls;
    private final long maxResponseBytes;
    private final JsonMapper mapper = JsonMappers.oneDocument(JsonMappers.exactDecimals(JsonMappers.standard()));

    /**
     * Creates the client.
     *
     * @param vertx the Vert.x instance
     * @param maxResponseBytes the largest answer accepted, in bytes
     * @param maxConnectionsPerLeaf the most pooled connections to one host and port
     * @param connectTimeout how long a TCP connection attempt may take, and then its TLS handshake; it holds a pooled
     *     connection's place till then
     * @param tls how {@code https} URLs are verified
     */
    public VertxJsonPoster(Vertx vertx, long maxResponseBytes, int maxConnectionsPerLeaf, Duration connectTimeout,
                           LeafTls tls) {
        this.tls = tls;
        this.client = vertx.createHttpClient(tls.applyTo(ConnectionAttempts.bound(
                        new HttpClientOptions().setKeepAlive(true).setMaxRedirects(0), connectTimeout)),
                new PoolOptions().setHttp1MaxSize(maxConnectionsPerLeaf));
        this.maxResponseBytes = maxResponseBytes;
    }

    @Override
    public TaskScheduler.Cancellable post(String url, Map<String, String> headers, Buffer body, Duration timeout,
                                          Consumer<Reply> onReply) {
        Exchange exchange = new Exchange(onReply);
        try { // nothing here throws to the caller: a URL Vert.x cannot use fails the exchange, as a refused connection does
            RequestOptions options = tls.target(new RequestOptions().setMethod(HttpMethod.POST), url)
                    .setConnectTimeout(Math.max(1, timeout.toMillis())).setFollowRedirects(false)
                    .putHeader("Content-Type", "application/json").putHeader("Accept", "application/json");
            headers.forEach(options::putHeader);
            client.request(options).onComplete(ar -> {
                if (ar.failed()) {
                    exchange.fail(reason(ar.cause()));
                    return;
                }
                HttpClientRequest request = ar.result();
                // A reset request reports a StreamResetException, which is expected here.
                request.exceptionHandler(e -> exchange.fail(reason(e)));
                if (exchange.cancelled) {
                    request.reset();
                    return;
                }
                exchange.request = request;
                request.send(body).onComplete(sent -> {
                    if (sent.failed()) {
                        exchange.fail(reason(sent.cause()));
                    } else {
                        read(exchange, sent.result());
                    }
                });
            });
        } catch (RuntimeException e) {
            exchange.fail("cannot send: " + e.getMessage());
        }
        return exchange::cancel;
    }

    private void read(Exchange exchange, HttpClientResponse response) {
        Buffer received = Buffer.buffer();
        response.exceptionHandler(e -> exchange.fail(reason(e)));
        response.handler(chunk -> {
            if (exchange.finished) {
                return;
            }
            if (received.length() + (long) chunk.length() > maxResponseBytes) {
                exchange.fail("answer larger than " + maxResponseBytes + " bytes");
                exchange.request.reset();
                return;
            }
            received.appendBuffer(chunk);
        });
        response.endHandler(v -> {
            if (exchange.finished) {
                return;
            }
            exchange.reply(interpret(response, received));
        });
    }

    private Reply interpret(HttpClientResponse response, Buffer body) {
        int status = response.statusCode();
        String type = response.getHeader("Content-Type");
        String media = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (status != 200) {
            String detail = null;
            if (media.equals(Wire.PROBLEM_JSON) || media.equals("application/json")) {
                try {
                    JsonNode problem = mapper.readTree(body.getBytes());
                    if (problem != null && problem.path("detail").isString()) {
                        detail = problem.get("detail").stringValue();
                    }
                } catch (JacksonException e) {
                    detail = null;
                }
            }
            return Reply.failed("HTTP " + status + (detail == null ? "" : ": " + cut(detail)));
        }
        if (body.length() == 0) {
            return Reply.failed("empty answer");
        }
        try {
            JsonNode node = mapper.readTree(body.getBytes());
            return node == null ? Reply.failed("answer is not JSON") : Reply.answered(node);
        } catch (JacksonException e) {
            return Reply.failed("answer is not JSON");
        }
    }

    private static String cut(String text) {
        String oneLine = text.replaceAll("[\\r\\n\\t]+", " ");
        return oneLine.length() <= MAX_DETAIL ? oneLine : oneLine.substring(0, MAX_DETAIL) + "...";
    }

    private static String reason(Throwable t) {
        if (t instanceof SSLException) {
            Throwable root = t;
            boolean timedOut = t instanceof SslHandshakeTimeoutException;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
                timedOut |= root instanceof SslHandshakeTimeoutException;
            }
            if (timedOut) { // Vert.x wraps Netty's timeout in an SSLHandshakeException of its own
                return cut("TLS handshake timed out (the leaf accepted the connection and did not answer within "
                        + "--leaf-connect-timeout): " + root.getMessage());
            }
            return cut("TLS handshake failed (is the leaf's certificate issued by a CA in --leaf-ca, for the URL's "
                    + "host or --leaf-tls-server-name?): " + root.getMessage());
        }
        String message = t.getMessage();
        String name = t.getClass().getSimpleName();
        if (message == null || message.isBlank()) {
            return name;
        }
        return cut(message.contains("Connection refused") ? "connection refused" : name + ": " + message);
    }

    /** Closes the client and its pooled connections. */
    @Override
    public void close() {
        client.close();
    }

    /** One POST's state; touched only on the context the POST was started on. */
    private static final class Exchange {
        final Consumer<Reply> onReply;
        HttpClientRequest request;
        boolean cancelled;
        boolean finished;

        Exchange(Consumer<Reply> onReply) {
            this.onReply = onReply;
        }

        void fail(String reason) {
            reply(Reply.failed(reason));
        }

        void reply(Reply reply) {
            if (finished || cancelled) {
                return;
            }
            finished = true;
            onReply.accept(reply);
        }

        void cancel() {
            if (cancelled) {
                return;
            }
            cancelled = true;
            if (request != null && !finished) {
                request.reset();
            }
        }
    }
}

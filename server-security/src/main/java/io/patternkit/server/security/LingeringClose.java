package io.patternkit.server.security;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The last answer on an HTTP/1.1 connection whose request cannot be read further (a request line or
 * headers over the limit, bytes that are not HTTP), followed by a lingering close (RFC 9112 section
 * 9.6): the answer says {@code Connection: close}, the server's side of the connection is shut
 * (a FIN after the answer), what the client still sends (a body behind a line too long) is read and
 * discarded, and the connection is closed {@link #LINGER} later. Closing at once, as Vert.x does
 * after an answer that says {@code Connection: close}, leaves the client's unread bytes in the
 * server's socket, so the kernel answers them with a reset, and a reset makes the client's kernel
 * drop the answer it had not read yet: about one in 25 such answers was lost that way (found by the
 * contract fuzzer).
 *
 * <p>Vert.x has no lingering close of its own, so this writes the answer below Vert.x's HTTP
 * encoder, through the connection's Netty channel (still through TLS when the connection has it); on
 * a connection it cannot reach that way it falls back to Vert.x's own answer and close.
 */
public final class LingeringClose {
    /** How long what the client still sends is read and discarded before the connection closes. */
    public static final Duration LINGER = Duration.ofSeconds(1);
    private static final String ENCODER = "httpEncoder"; // Vert.x's name for its HTTP/1.x response encoder

    private LingeringClose() {
    }

    /**
     * Sends the answer and closes the connection a lingering {@link #LINGER} later.
     *
     * @param vertx the server's Vert.x, for the timer
     * @param request the request that ends its connection
     * @param status the answer's status
     * @param headers the answer's headers besides {@code Content-Length} and {@code Connection}
     * @param body the answer's body
     * @return completes when the answer is written; fails when it cannot be
     */
    public static Future<Void> answer(Vertx vertx, HttpServerRequest request, int status, Map<String, String> headers, Buffer body) {
        Channel channel = request.connection() instanceof ConnectionBase base ? base.channel() : null;
        ChannelHandlerContext encoder = channel == null ? null : channel.pipeline().context(ENCODER);
        if (encoder == null || !(channel instanceof DuplexChannel duplex)) {
            HttpServerResponse response = request.response().setStatusCode(status).putHeader("Connection", "close");
            headers.forEach(response::putHeader);
            return response.end(body);
        }
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ')
                .append(HttpResponseStatus.valueOf(status).reasonPhrase()).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("Content-Length: ").append(body.length()).append("\r\nConnection: close\r\n\r\n");
        ByteBuf bytes = Unpooled.wrappedBuffer(head.toString().getBytes(StandardCharsets.ISO_8859_1), body.getBytes());
        Promise<Void> written = Promise.promise();
        encoder.writeAndFlush(bytes).addListener(f -> {
            if (f.isSuccess()) {
                duplex.shutdownOutput();
                written.complete();
            } else {
                written.fail(f.cause());
            }
            vertx.setTimer(LINGER.toMillis(), id -> channel.close());
        });
        return written.future();
    }
}

package io.patternkit.sidecar.host;

import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import io.patternkit.server.security.LingeringClose;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds how long a request's body may take to arrive: the whole body within the deadline of the request's headers,
 * or the answer is 408 {@code request-timeout} (RFC 9110 section 15.5.9) and the connection closes after it
 * ({@link LingeringClose}). The idle timeout alone cannot bound it, because every chunk of a body restarts it: a
 * client trickling a byte every few seconds would hold its connection for as long as it liked. Go's
 * {@code http.Server.ReadTimeout} bounds a whole request the same way. The answer is counted in
 * {@code http.server.requests} under the route {@value #ROUTE} and status 408, and logged at DEBUG only, so that a
 * stranger cannot fill the log.
 *
 * <p>Two handlers around the body's reader: {@link #handle} before it sets the deadline, {@link #admitInTime} after it
 * lets through only a request that was not answered 408 meanwhile (a body that completes during the lingering close
 * must not be acted on: the answer said nothing was done). A request whose headers announce no body (neither
 * {@code Content-Length} above zero nor {@code Transfer-Encoding}) costs nothing here; any other sets one timer,
 * cancelled when its response ends.
 */
final class BodyDeadline implements Handler<RoutingContext> {
    /** The metrics {@code route} tag of a request answered 408 here. */
    static final String ROUTE = "request-timeout";
    /** The routing-context key set on a request answered 408. */
    private static final String EXPIRED = "patternkit.body-deadline.expired";
    private static final Logger LOG = LoggerFactory.getLogger(BodyDeadline.class);

    private final Vertx vertx;
    private final long deadlineMs;
    private final Responses responses;

    /**
     * @param vertx the server's Vert.x, for the timers
     * @param deadline how long after its headers a request's body must have arrived whole, positive
     * @param responses the problem writer
     */
    BodyDeadline(Vertx vertx, Duration deadline, Responses responses) {
        this.vertx = vertx;
        this.deadlineMs = Math.max(1, deadline.toMillis());
        this.responses = responses;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (request.isEnded() || !announcesBody(request)) {
            ctx.next();
            return;
        }
        long timer = vertx.setTimer(deadlineMs, id -> expire(ctx));
        ctx.addEndHandler(v -> vertx.cancelTimer(timer));
        ctx.next();
    }

    /**
     * Goes on to the request's route unless the request was answered 408 while its body was arriving.
     *
     * @param ctx the request, its body read whole
     */
    void admitInTime(RoutingContext ctx) {
        if (ctx.get(EXPIRED) == null) {
            ctx.next();
        }
    }

    private static boolean announcesBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        return request.headers().contains(HttpHeaders.TRANSFER_ENCODING) || (length != null && !length.equals("0"));
    }

    private void expire(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (request.isEnded() || ctx.response().headWritten()) {
            return;
        }
        LOG.debug("{} {}: the body did not arrive whole within {} ms of the headers; answering 408 and closing",
                request.method(), request.path(), deadlineMs);
        ctx.put(EXPIRED, Boolean.TRUE);
        ctx.put(SidecarServer.ROUTE_KEY, ROUTE);
        // The status for the request's metrics, recorded when the connection closes; the answer itself goes out below
        // Vert.x's encoder, with a lingering close, as the client is still sending.
        ctx.response().setStatusCode(ProblemType.REQUEST_TIMEOUT.status());
        LingeringClose.answer(vertx, request, ProblemType.REQUEST_TIMEOUT.status(), Map.of("Content-Type", Wire.PROBLEM_JSON),
                responses.problemBytes(ProblemType.REQUEST_TIMEOUT, "the request's body did not arrive whole within "
                        + deadlineMs + " ms of its headers (the sidecar's --idle-timeout); send it at once"));
    }
}

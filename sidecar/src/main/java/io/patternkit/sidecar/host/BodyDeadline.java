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
 * Bounds how long a request's body may take to arrive: the whole body within the deadline of the request's headers.
 * The idle timeout alone cannot bound it, because every chunk of a body restarts it: a client trickling a byte every
 * few seconds would hold its connection for as long as it liked, also after an early answer (a 401, 404 or 413 goes
 * out before the body is read, and Vert.x then reads and discards the rest of the body on a kept-alive connection).
 * Go's {@code http.Server.ReadTimeout} bounds a whole request the same way.
 *
 * <p>When the deadline passes, a request not yet answered is answered 408 {@code request-timeout} (RFC 9110 section
 * 15.5.9) and its connection closed after the answer ({@link LingeringClose}); what still arrives of its body is
 * discarded, never handed to its route (the answer says nothing was done). It is counted in
 * {@code http.server.requests} under the route {@value #ROUTE} and status 408. A request already answered has its
 * connection closed. Either is logged at DEBUG only, so that a stranger cannot fill the log.
 *
 * <p>Runs first on every route. A request whose headers announce no body (neither {@code Content-Length} above zero
 * nor {@code Transfer-Encoding}) costs nothing here; any other sets one timer, cancelled when its body has arrived.
 */
final class BodyDeadline implements Handler<RoutingContext> {
    /** The metrics {@code route} tag of a request answered 408 here. */
    static final String ROUTE = "request-timeout";
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
        if (!request.isEnded() && announcesBody(request)) {
            long timer = vertx.setTimer(deadlineMs, id -> expire(ctx));
            // The request's end, not the response's: after an early answer the body is still being read.
            request.end().onComplete(ended -> vertx.cancelTimer(timer));
        }
        ctx.next();
    }

    private static boolean announcesBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        return request.headers().contains(HttpHeaders.TRANSFER_ENCODING) || (length != null && !length.equals("0"));
    }

    private void expire(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (request.isEnded()) {
            return;
        }
        if (ctx.response().headWritten()) {
            LOG.debug("{} {}: answered, but its body did not arrive whole within {} ms of the headers; closing",
                    request.method(), request.path(), deadlineMs);
            request.connection().close();
            return;
        }
        LOG.debug("{} {}: the body did not arrive whole within {} ms of the headers; answering 408 and closing",
                request.method(), request.path(), deadlineMs);
        // The rest of the body is read and dropped during the lingering close, away from the body's reader and so from
        // the route; the status is for the request's metrics, recorded as the connection closes.
        request.handler(chunk -> { }).endHandler(end -> { }).exceptionHandler(failed -> { });
        ctx.put(SidecarServer.ROUTE_KEY, ROUTE);
        ctx.response().setStatusCode(ProblemType.REQUEST_TIMEOUT.status());
        LingeringClose.answer(vertx, request, ProblemType.REQUEST_TIMEOUT.status(), Map.of("Content-Type", Wire.PROBLEM_JSON),
                responses.problemBytes(ProblemType.REQUEST_TIMEOUT, "the request's body did not arrive whole within "
                        + deadlineMs + " ms of its headers (the sidecar's --idle-timeout); send it at once"));
    }
}

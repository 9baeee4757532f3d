package io.patternkit.sidecar.ambassador;

import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.common.LatencyTracker;
import io.patternkit.sidecar.common.Ticker;
import io.patternkit.sidecar.host.Responses;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.MediaType;
import io.vertx.httpproxy.OriginRequestProvider;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

/**
 * The routing and resilience of one upstream, plugged into Vert.x's reverse proxy
 * ({@code vertx-http-proxy}, which streams bodies; {@link HopByHop} keeps each connection's own header fields on it): the request's
 * version is drawn (canary share), its shard found on the hash ring by its key, and its replica
 * chosen by power of two choices; a failed attempt is retried on another replica of the shard
 * within the attempts, the overall timeout and the retry budget. An attempt whose connection failed
 * never reached the upstream and is retried whatever the method; one that reached it (a timeout, a
 * reset, a 502/503/504) only when the request is idempotent (RFC 9110 section 9.2.2) and its body,
 * if any, was small enough to be read whole first ({@link UpstreamSpec#maxBufferedBodyBytes}), so
 * that it can be sent again; hedges and mirrored copies take the same requests. What remains of the timeout is sent downstream in {@code Patternkit-Deadline-Ms}.
 * The answer carries {@code Patternkit-Shard} and {@code Patternkit-Version}. When no attempt
 * succeeds the app gets the last upstream answer, or a problem document of its own: 503
 * {@code upstream-unavailable} or 504 {@code upstream-timeout}, naming the upstream, shard and cause.
 */
final class UpstreamProxy implements ProxyInterceptor, OriginRequestProvider {
    /** Response header naming the shard that answered. */
    static final String HEADER_SHARD = "Patternkit-Shard";
    /** Response header naming the version that answered: stable or canary. */
    static final String HEADER_VERSION = "Patternkit-Version";
    private static final String CALL = "patternkit.call";
    /** The status metrics record for a request whose app hung up first (nginx's 499, "client closed request"). */
    private static final int CLIENT_CLOSED = 499;
    private static final Duration LATENCY_WINDOW = Duration.ofSeconds(30);
    private static final MediaType PROBLEM_JSON = MediaType.parse(Wire.PROBLEM_JSON);
    /** Not copied to a mirrored request: the client sets both for the shadow endpoint. */
    private static final Set<String> SET_PER_REQUEST = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    static {
        SET_PER_REQUEST.addAll(List.of("Host", "Content-Length"));
    }

    /** The body of a request without one: shared, never written (nothing allocated per bodiless request). */
    private static final Buffer NO_BODY = Buffer.buffer(new byte[0]);
    private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.TRACE, HttpMethod.PUT, HttpMethod.DELETE);

    private final Upstream upstream;
    private final AmbassadorMetrics metrics;
    private final Responses responses;
    private final Ticker ticker;
    private final Vertx vertx;
    private final LatencyTracker latency;

    UpstreamProxy(Upstream upstream, AmbassadorMetrics metrics, Responses responses, Ticker ticker, Vertx vertx) {
        this.upstream = upstream;
        this.metrics = metrics;
        this.responses = responses;
        this.ticker = ticker;
        this.vertx = vertx;
        this.latency = new LatencyTracker(ticker, LATENCY_WINDOW, 6, 20);
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
        RoutingTable table = upstream.table();
        HttpServerRequest incoming = ctx.request().proxiedRequest();
        RoutingTable.Version version = table.pick(ThreadLocalRandom.current());
        Optional<Replicas> shard;
        String malformed = null;
        try {
            shard = version.owner(table.spec().shardKey().of(incoming));
        } catch (IllegalArgumentException e) {
            shard = Optional.empty();
            malformed = e.getMessage();
        }
        Call call = new Call(ctx, table, version, shard.orElse(null), ticker.nanoTime());
        ctx.set(CALL, call);
        HopByHop.remove(ctx.request().headers()); // the library drops its own list only when it sends, without Proxy-Connection
        if (shard.isEmpty()) {
            return call.problem(ProblemType.INVALID_REQUEST, malformed != null
                    ? "upstream " + upstream.name() + ": the shard key " + table.spec().shardKey() + " is malformed: " + malformed
                    : "upstream " + upstream.name() + " routes by its shard key " + table.spec().shardKey()
                            + ", which this request does not carry");
        }
        incoming.response().closeHandler(v -> call.appGone());
        long length = contentLength(incoming);
        if (length == 0) {
            ctx.request().setBody(null); // nothing to stream, so an attempt can be sent again
            incoming.resume();
            return proceed(ctx, table, call, incoming, NO_BODY);
        }
        if (length < 0 || length > table.spec().maxBufferedBodyBytes()) {
            return call.start(); // streamed through once: not replayed, hedged or mirrored
        }
        Future<Buffer> body = incoming.body(); // small and of known length: read whole, so it can be sent again
        incoming.resume();
        return body.transform(ar -> ar.succeeded() ? proceed(ctx, table, call, incoming, ar.result())
                : call.problem(ProblemType.INVALID_REQUEST, "upstream " + upstream.name() + ": the request's body could not be read: "
                        + ar.cause().getMessage()));
    }

    /** Starts a call whose body (possibly empty) is at hand, so that it can be sent again and copied. */
    private Future<ProxyResponse> proceed(ProxyContext ctx, RoutingTable table, Call call, HttpServerRequest incoming, Buffer body) {
        boolean idempotent = IDEMPOTENT.contains(incoming.method());
        call.replay(body, idempotent);
        table.spec().mirror().filter(m -> (idempotent || m.nonIdempotent()) && ThreadLocalRandom.current().nextDouble() * 100 < m.percent())
                .ifPresent(m -> mirror(ctx, m, table.spec().tryTimeout(), body));
        table.budget().earn(table.spec().retryBudgetPercent());
        if (call.replayable) {
            table.spec().hedging().ifPresent(h -> table.hedgeBudget().earn(h.maxExtraLoadPercent()));
        }
        return call.start();
    }

    @Override
    public Future<Void> handleProxyResponse(ProxyContext ctx) {
        Call call = ctx.get(CALL, Call.class);
        ProxyResponse response = ctx.response();
        HopByHop.remove(response.headers());
        if (call.shard != null) {
            response.putHeader(HEADER_SHARD, call.shard.shard()).putHeader(HEADER_VERSION, call.version.name());
        }
        int status = response.getStatusCode();
        HttpClientResponse fromUpstream = response.proxiedResponse();
        return ctx.sendResponse().onFailure(e -> {
            if (fromUpstream != null) {
                fromUpstream.request().reset(); // the winner's own request, whichever attempt the library last sent
            }
        }).onComplete(ar -> metrics.request(upstream.name(), call.shard == null ? "none" : call.version.name(),
                call.shard == null ? "none" : call.shard.shard(), call.appGone ? CLIENT_CLOSED : status, call.answered,
                Duration.ofNanos(ticker.nanoTime() - call.startNanos)));
    }

    /** Opens the request of the attempt being launched; a failure here means nothing was sent. */
    @Override
    public Future<HttpClientRequest> create(ProxyContext ctx) {
        Attempt attempt = ctx.get(CALL, Call.class).launching;
        return ctx.client().request(attempt.endpoint.request(attempt.uri, attempt.tryTimeout))
                .recover(e -> Future.failedFuture(new NotSent(e)))
                .compose(request -> {
                    if (attempt.calledOff) { // lost while connecting: never sent, so the library's request stays the winner's
                        request.reset();
                        return Future.failedFuture(new NotSent(new IllegalStateException("called off")));
                    }
                    attempt.request = request;
                    request.exceptionHandler(ignored -> { }); // failures arrive through the response, once
                    return Future.succeededFuture(request);
                });
    }

    /** Sends a copy of a request whose body is at hand to a shadow endpoint and throws its answer away; never delays the app's. */
    private void mirror(ProxyContext ctx, UpstreamSpec.Mirror mirror, Duration timeout, Buffer body) {
        URI shadow = mirror.endpoints().get(ThreadLocalRandom.current().nextInt(mirror.endpoints().size()));
        RequestOptions options = Origin.of(shadow).request(ctx.request().getURI(), timeout)
                .setMethod(ctx.request().getMethod());
        ctx.request().headers().forEach(h -> { // its hop-by-hop fields are gone already (handleProxyRequest)
            if (!SET_PER_REQUEST.contains(h.getKey())) {
                options.addHeader(h.getKey(), h.getValue());
            }
        });
        ctx.client().request(options).compose(r -> body.length() == 0 ? r.send() : r.send(body)).compose(r -> r.end().map(r.statusCode())) // read, not kept
                .onComplete(ar -> metrics.mirrored(upstream.name(), ar.succeeded() ? Integer.toString(ar.result()) : "error"));
    }

    /** Drops an upstream answer that will not be passed on, and its connection, without logging the reset as an error. */
    private static void discard(ProxyResponse response) {
        HttpClientResponse answer = response.proxiedResponse();
        answer.exceptionHandler(ignored -> { });
        answer.request().reset();
    }

    /**
     * The body's length by RFC 9112 section 6.3: a request with neither {@code Transfer-Encoding} nor
     * {@code Content-Length} has none.
     *
     * @return its {@code Content-Length}, 0 without a body, or -1 when unknown (chunked, or a length that is not a number)
     */
    private static long contentLength(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
            return -1;
        }
        if (length == null) {
            return 0;
        }
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** One attempt of a call on one replica. Confined to the request's event loop. */
    private static final class Attempt {
        private final Endpoint endpoint;
        private final String uri;
        private final Duration tryTimeout;
        private final long sentAt;
        private HttpClientRequest request;
        private boolean calledOff;

        Attempt(Endpoint endpoint, String uri, Duration tryTimeout, long sentAt) {
            this.endpoint = endpoint;
            this.uri = uri;
            this.tryTimeout = tryTimeout;
            this.sentAt = sentAt;
        }

        /** Cancels the attempt: its request is reset now, or as soon as its connection opens. */
        void callOff() {
            calledOff = true;
            if (request != null) {
                request.reset();
            }
        }
    }

    /**
     * One app request through its attempts: the first, retries after a failure, and a hedge when
     * the first is slow; the first answer worth giving wins and the attempts still under way are
     * called off. Confined to the request's event loop.
     */
    private final class Call {
        private final ProxyContext ctx;
        private final RoutingTable table;
        private final RoutingTable.Version version;
        private final Replicas shard;
        private final long startNanos;
        private final long deadlineNanos;
        private final String uri;
        private final Set<Endpoint> tried = new HashSet<>();
        private final Set<Attempt> inFlight = new HashSet<>();
        private final Promise<ProxyResponse> result = Promise.promise();
        private boolean replayable;
        private Buffer body;
        private int attempts;
        private Attempt launching;
        private ProxyResponse retryable;
        private boolean answered;
        private long hedgeTimer = -1;
        private long deadlineTimer = -1;
        private boolean timedOut;
        private boolean appGone;
        private String lastFailure = "no replica was tried";

        Call(ProxyContext ctx, RoutingTable table, RoutingTable.Version version, Replicas shard, long startNanos) {
            this.ctx = ctx;
            this.table = table;
            this.version = version;
            this.shard = shard;
            this.startNanos = startNanos;
            this.deadlineNanos = startNanos + table.spec().timeout().toNanos();
            this.uri = ctx.request().getURI();
        }

        /**
         * The request's body is at hand (empty for none): every attempt sends it again.
         *
         * @param whole the body
         * @param idempotent whether the method may be sent again after it reached an endpoint
         */
        void replay(Buffer whole, boolean idempotent) {
            body = whole;
            replayable = idempotent;
        }

        Future<ProxyResponse> start() {
            // The overall timeout, up to the answer's first byte; the body is then bounded by the per-try idle timeout.
            deadlineTimer = vertx.setTimer(Math.max(1, table.spec().timeout().toMillis()), id -> {
                if (!result.future().isComplete()) {
                    finish(problem(ProblemType.UPSTREAM_TIMEOUT, where() + " did not answer within the upstream's timeout of "
                            + table.spec().timeout().toMillis() + " ms; last: " + lastFailure));
                }
            });
            launch();
            if (replayable && !result.future().isComplete()) {
                table.spec().hedging().ifPresent(h -> {
                    long delayMs = Math.max(1, h.delay(latency.percentile(h.percentile())).toMillis());
                    hedgeTimer = vertx.setTimer(delayMs, id -> hedge());
                });
            }
            return result.future();
        }

        /** Sends one more attempt to a replica not yet tried, or ends the call when there is none. */
        private void launch() {
            long remaining = deadlineNanos - ticker.nanoTime();
            if (remaining <= 0) {
                finish(problem(ProblemType.UPSTREAM_TIMEOUT, where() + " did not answer within the upstream's timeout of "
                        + table.spec().timeout().toMillis() + " ms; last: " + lastFailure));
                return;
            }
            Optional<Endpoint> next = shard.pick(tried, ThreadLocalRandom.current());
            if (next.isEmpty()) {
                if (inFlight.isEmpty()) {
                    finish(retryable != null ? Future.succeededFuture(retryable)
                            : problem(timedOut ? ProblemType.UPSTREAM_TIMEOUT : ProblemType.UPSTREAM_UNAVAILABLE, where()
                            + " has no replica that can take the request (" + shard.endpoints().size() + " replicas, "
                            + shard.ejected() + " ejected, " + tried.size() + " tried); last: " + lastFailure));
                }
                return;
            }
            Endpoint endpoint = next.get();
            tried.add(endpoint);
            attempts++;
            Attempt attempt = new Attempt(endpoint, uri, Duration.ofNanos(Math.min(table.spec().tryTimeout().toNanos(), remaining)),
                    ticker.nanoTime());
            inFlight.add(attempt);
            launching = attempt;
            ctx.request().headers().set(Wire.HEADER_DEADLINE_MS, Long.toString(Math.max(1, remaining / 1_000_000)));
            if (body != null && body.length() > 0) {
                ctx.request().setBody(Body.body(body)); // a fresh stream of the same bytes for each attempt
            }
            ctx.sendRequest().onComplete(ar -> settle(attempt, ar));
        }

        /**
         * The app closed its connection before the answer: nobody waits for it any more, so the attempts
         * are called off, nothing is retried, and no replica is blamed.
         */
        void appGone() {
            if (!result.future().isComplete()) {
                appGone = true;
                finish(problem(ProblemType.UPSTREAM_UNAVAILABLE, "the app closed its connection"));
            }
        }

        /**
         * The hedge timer: a second attempt when the first has not answered, if the request's attempts
         * (hedges count, as in gRPC's hedging policy) and the deadline allow, a replica that was not
         * tried is not ejected, and the hedging budget has a token.
         */
        private void hedge() {
            if (result.future().isComplete() || inFlight.size() != 1 || !canTryAnother()) {
                return;
            }
            if (!table.hedgeBudget().trySpend()) {
                metrics.hedgeDenied(upstream.name());
                return;
            }
            metrics.hedge(upstream.name());
            launch();
        }

        private void settle(Attempt attempt, AsyncResult<ProxyResponse> ar) {
            inFlight.remove(attempt);
            if (ctx.request().proxiedRequest().response().closed()) {
                appGone(); // the library resets the attempt when the app hangs up, before our close handler runs
            }
            Duration took = Duration.ofNanos(ticker.nanoTime() - attempt.sentAt);
            if (result.future().isComplete()) { // lost to another attempt, or the app is gone: called off
                if (ar.succeeded()) {
                    discard(ar.result());
                }
                attempt.endpoint.cancelled();
                return;
            }
            if (ar.failed()) {
                failed(attempt, ar.cause(), took);
                return;
            }
            ProxyResponse response = ar.result();
            int status = response.getStatusCode();
            if (status >= 500) {
                attempt.endpoint.failed(took, new IllegalStateException("HTTP " + status));
            } else {
                attempt.endpoint.succeeded(took);
                latency.record(took);
            }
            if ((status == 502 || status == 503 || status == 504) && replayable) {
                lastFailure = attempt.endpoint.url() + ": HTTP " + status;
                timedOut = false;
                if (retryable != null) {
                    discard(retryable);
                }
                retryable = response; // answered with, if nothing better comes
                if (inFlight.isEmpty() && mayRetry("status")) {
                    launch();
                } else if (inFlight.isEmpty()) {
                    finish(Future.succeededFuture(response));
                }
                return;
            }
            finish(Future.succeededFuture(response));
        }

        private void failed(Attempt attempt, Throwable failure, Duration took) {
            boolean notSent = failure instanceof NotSent;
            Throwable cause = notSent ? failure.getCause() : failure;
            attempt.endpoint.failed(took, cause);
            String reason = notSent ? "connect" : cause instanceof TimeoutException ? "timeout" : "reset";
            timedOut = reason.equals("timeout");
            lastFailure = attempt.endpoint.url() + ": " + reason + " (" + cause.getMessage() + ")";
            if (!inFlight.isEmpty()) {
                return; // the other attempt may still answer
            }
            if ((notSent || replayable) && mayRetry(reason)) {
                launch();
            } else if (retryable != null) {
                finish(Future.succeededFuture(retryable));
            } else {
                finish(problem(timedOut ? ProblemType.UPSTREAM_TIMEOUT : ProblemType.UPSTREAM_UNAVAILABLE,
                        where() + " failed: " + lastFailure));
            }
        }

        /** Ends the call with its answer, calling off the attempts still under way. */
        private void finish(Future<ProxyResponse> answer) {
            if (answer.succeeded() && answer.result() == retryable) {
                retryable = null; // given to the app, so not to be reset
            }
            answered = answer.succeeded() && answer.result().proxiedResponse() != null;
            if (retryable != null) {
                discard(retryable);
                retryable = null;
            }
            answer.onComplete(result); // first: calling an attempt off settles it at once, as a loser
            vertx.cancelTimer(hedgeTimer);
            vertx.cancelTimer(deadlineTimer);
            List.copyOf(inFlight).forEach(Attempt::callOff);
        }

        /** @return whether one more attempt could go out: attempts and time left, and a replica to take it */
        private boolean canTryAnother() {
            return attempts < table.spec().maxAttempts() && deadlineNanos - ticker.nanoTime() > 0 && shard.hasUntried(tried);
        }

        private boolean mayRetry(String reason) {
            if (!canTryAnother()) {
                return false; // no budget is spent on a retry that has nowhere to go
            }
            if (!table.budget().trySpend()) {
                metrics.retryDenied(upstream.name());
                lastFailure += "; retry budget spent";
                return false;
            }
            metrics.retry(upstream.name(), reason);
            return true;
        }

        private String where() {
            return "shard " + shard.shard() + " of upstream " + upstream.name() + " (" + version.name() + ")";
        }

        /** Answers the app with a problem document of the ambassador's own. */
        Future<ProxyResponse> problem(ProblemType type, String detail) {
            ProxyRequest request = ctx.request();
            if (request.getBody() != null) {
                request.release(); // lets the unread body go
            }
            ProxyResponse response = request.response().setStatusCode(type.status())
                    .setBody(Body.body(Buffer.buffer(responses.problemBody(type, detail, List.of()).toString()), PROBLEM_JSON));
            if (type.status() == 503) {
                response.putHeader("Retry-After", Integer.toString(Responses.RETRY_AFTER_SECONDS));
            }
            return Future.succeededFuture(response);
        }
    }

    /** An attempt that failed before its request left: no connection. Safe to retry whatever the method. */
    private static final class NotSent extends Exception {
        private static final long serialVersionUID = 1L;

        NotSent(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }
}

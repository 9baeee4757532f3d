package io.patternkit.management.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.patternkit.core.internal.ApiTokens;
import io.patternkit.core.internal.DaemonThreads;
import io.patternkit.management.EndpointHost;
import io.patternkit.management.ManagementEndpoint;
import io.patternkit.management.ManagementRequest;
import io.patternkit.management.ManagementResponse;
import io.patternkit.management.RequestBodies;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import io.patternkit.server.security.AuthFailureLimiter;
import io.patternkit.server.security.CertificateReloader;
import io.patternkit.server.security.ConnectionCap;
import io.patternkit.server.security.LingeringClose;
import io.patternkit.server.security.Loopback;
import io.patternkit.server.security.MethodTag;
import io.patternkit.server.security.TlsFiles;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Vert.x core server behind {@link io.patternkit.management.ManagementServer}; for the Patternkit SDK
 * modules only. One event loop reads requests (token check, size cap, routing); endpoints run on a
 * bounded worker pool, and answers are written back on the event loop. The connection's close is
 * turned into {@link ManagementRequest#whenClosed()}.
 *
 * <p>Guarded against slow and broken clients as the sidecars are: a request must arrive whole (line,
 * headers and body) within the read timeout, a connection without traffic for the idle timeout is closed,
 * connections beyond the cap are closed at once, a JSON body must be well-formed text (UTF-8 without unpaired
 * surrogates, RFC 3629 and RFC 8259), and a
 * request the HTTP decoder refuses (a line or headers too long, a malformed header) gets a problem answer
 * (414, 431 or 400) before its connection is closed.
 */
public final class EmbeddedHttpServer {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedHttpServer.class);
    private static final int QUEUE = 1000;
    private static final String UNMATCHED = "unmatched";
    private static final String INVALID = "invalid";

    /**
     * What the server is told at construction.
     *
     * @param host the bind address
     * @param port the port, 0 for ephemeral
     * @param maxBodyBytes the request body cap
     * @param token the bearer token, or null for none
     * @param workerThreads the endpoint threads
     * @param readTimeout how long a request may take to arrive whole
     * @param idleTimeout how long a connection may go without traffic
     * @param maxConnections how many connections may be open at once
     * @param tls the PEM files to serve HTTPS with, or empty for plain HTTP
     * @param tlsReloadInterval how often the TLS files are read again
     * @param authFailures the failed-authentication limit per remote address
     */
    public record Settings(String host, int port, int maxBodyBytes, String token, int workerThreads, Duration readTimeout,
            Duration idleTimeout, int maxConnections, Optional<TlsFiles> tls, Duration tlsReloadInterval,
            AuthFailureLimiter.Settings authFailures) {
        /** @return the settings, the token shown only as set or not, so that printing them leaks nothing */
        @Override
        public String toString() {
            return "Settings[host=" + host + ", port=" + port + ", maxBodyBytes=" + maxBodyBytes + ", token="
                    + (token == null ? "none" : "***") + ", workerThreads=" + workerThreads + ", readTimeout=" + readTimeout
                    + ", idleTimeout=" + idleTimeout + ", maxConnections=" + maxConnections + ", tls=" + tls
                    + ", tlsReloadInterval=" + tlsReloadInterval + ", authFailures=" + authFailures + "]";
        }
    }

    private final Settings settings;
    private final byte[] token;
    private final MeterRegistry registry;
    private final AuthFailureLimiter limiter;
    private final Counter authFailures;
    private final Counter authRefused;
    private CertificateReloader reloader;
    private final ConnectionCap cap;
    private final Map<String, ManagementEndpoint> endpoints = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor workers;
    private final Object lock = new Object();
    private Vertx vertx;
    private ReadHeaderTimeout headerTimeout;
    private HttpServer server;
    private volatile int port = -1;
    private volatile boolean closed;

    /**
     * @param settings address, port, caps and timeouts
     * @param registry where the request timer goes
     */
    public EmbeddedHttpServer(Settings settings, MeterRegistry registry) {
        this.settings = settings;
        this.token = settings.token() == null ? null : settings.token().getBytes(StandardCharsets.UTF_8);
        this.registry = registry;
        this.cap = new ConnectionCap(settings.maxConnections());
        this.limiter = token == null ? null : new AuthFailureLimiter(settings.authFailures()); // only with a token
        this.authFailures = Counter.builder(io.patternkit.management.ManagementServer.AUTH_FAILURES)
                .description("requests refused with 401: no or a wrong bearer token").register(registry);
        this.authRefused = Counter.builder(io.patternkit.management.ManagementServer.AUTH_REFUSED)
                .description("requests refused with 429: their address failed authentication too often").register(registry);
        int workerThreads = settings.workerThreads();
        this.workers = new ThreadPoolExecutor(workerThreads, workerThreads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(QUEUE), DaemonThreads.numbered("patternkit-management-"));
        this.workers.allowCoreThreadTimeOut(true);
    }

    /** Binds; blocks until bound. */
    public void start() {
        synchronized (lock) {
            if (closed || vertx != null) {
                throw new IllegalStateException(closed ? "the management server was closed; build a new one"
                        : "the management server is already started");
            }
            vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                    .setInternalBlockingPoolSize(1));
            try {
                // HTTP/1.1 alone: with h2c on, Vert.x hands a connection over only after its first bytes, so a client
                // that sent none would be neither counted against the cap nor timed by the header wait.
                HttpServerOptions options = new HttpServerOptions().setTcpNoDelay(true).setHttp2ClearTextEnabled(false)
                        .setIdleTimeout((int) settings.idleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
                Optional<TlsFiles.Loaded> identity = settings.tls().map(files -> files.applyTo(options, vertx));
                headerTimeout = new ReadHeaderTimeout(vertx, settings.readTimeout());
                server = vertx.createHttpServer(options)
                        .connectionHandler(this::capped)
                        .invalidRequestHandler(this::invalid)
                        // Below HTTP (a botched TLS handshake, a reset): at debug, so a stranger cannot fill the log.
                        .exceptionHandler(e -> log.debug("management connection failed: {}", e.toString()))
                        .requestHandler(this::handle)
                        .listen(settings.port(), settings.host())
                        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                port = server.actualPort();
                identity.ifPresent(loaded -> reloader = CertificateReloader.start(vertx, server, settings.tls().get(),
                        loaded, settings.tlsReloadInterval()));
                log.info("management server listening on {}://{}:{}{}", identity.isPresent() ? "https" : "http",
                        settings.host(), port, token == null ? "" : " (token required)");
                if (token == null && !Loopback.isLoopbackHost(settings.host())) {
                    log.warn("management server on {} without an API token: whoever reaches that address can drain the "
                            + "app, change its log levels and read its threads and profiles; give the builder apiToken(...), "
                            + "or PATTERNKIT_API_TOKEN with fromEnvironment()", settings.host());
                }
            } catch (RuntimeException e) { // TLS files that cannot be read or do not load
                vertx.close();
                closed = true;
                throw e;
            } catch (ExecutionException | TimeoutException e) {
                vertx.close();
                closed = true;
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                throw new UncheckedIOException("cannot bind the management server to " + settings.host() + ":"
                        + settings.port() + ": " + cause + "; choose another port or address", new IOException(cause));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                vertx.close();
                closed = true;
                throw new IllegalStateException("interrupted while binding the management server", e);
            }
        }
    }

    /**
     * @param path the exact path
     * @param endpoint the endpoint
     */
    public void mount(String path, ManagementEndpoint endpoint) {
        if (endpoints.putIfAbsent(path, endpoint) != null) {
            throw new IllegalStateException("the management server already serves " + path);
        }
    }

    /**
     * @param path the path
     * @param endpoint the endpoint mounted there; nothing happens when another one is
     */
    public void unmount(String path, ManagementEndpoint endpoint) {
        endpoints.remove(path, endpoint);
    }

    /** @return the bound port */
    public int port() {
        if (port < 0 || closed) {
            throw new IllegalStateException("the management server is not running; call start() first");
        }
        return port;
    }

    /** @return whether it is running */
    public boolean isRunning() {
        return port >= 0 && !closed;
    }

    /** @return whether a token is configured */
    public boolean requiresToken() {
        return token != null;
    }

    /** Closes the server, its connections and threads. */
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (vertx != null) {
                if (reloader != null) { // awaited on its own: chained, Vert.x's close would run on its own event loop
                    await(reloader.stop(), "stopping its TLS certificate reloader");
                }
                await(vertx.close(), "closing Vert.x");
            }
            workers.shutdown();
        }
    }

    private void await(Future<Void> closing, String what) {
        try {
            closing.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("closing the management server, {}: {}", what, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Counts the connection against the cap, and closes it at once when the cap is reached (a stranger's, one from off
     * loopback, when all but the places kept for loopback are taken: {@link ConnectionCap}); else it must deliver its
     * first request's line and headers within the read timeout ({@link ReadHeaderTimeout}).
     */
    private void capped(HttpConnection connection) {
        if (!cap.admit(connection, headerTimeout::opened)) {
            log.debug("management connection refused: {} open", settings.maxConnections());
        }
    }

    /** A request the HTTP decoder refused: a problem answer (414, 431 or 400), then the connection closes. */
    private void invalid(HttpServerRequest req) {
        long start = System.nanoTime();
        Throwable cause = req.decoderResult().cause();
        ProblemType type = cause instanceof TooLongHttpLineException ? ProblemType.URI_TOO_LONG
                : cause instanceof TooLongHttpHeaderException ? ProblemType.HEADERS_TOO_LARGE : ProblemType.INVALID_REQUEST;
        respondAndClose(req, INVALID, start, ManagementResponse.problem(type, type == ProblemType.INVALID_REQUEST
                ? "the request line or a header is not valid HTTP" : "the request line or headers are longer than the server reads"));
    }

    private void handle(HttpServerRequest req) {
        long start = System.nanoTime();
        String path = req.path();
        headerTimeout.arrived(req.connection());
        ManagementEndpoint endpoint = endpoints.get(path);
        String route = endpoint == null ? UNMATCHED : path;
        boolean[] over = {false}; // answered before the body ended: what still arrives of it is dropped
        // The whole request must arrive within the read timeout: a client that stops mid-body, or trickles it, gets a
        // 408 (RFC 9110 section 15.5.9) and loses its connection.
        long readTimer = vertx.setTimer(settings.readTimeout().toMillis(), id -> {
            if (req.isEnded() || over[0]) {
                return;
            }
            over[0] = true;
            log.debug("management request {} {} not received whole within {}; answering 408", req.method(), path,
                    settings.readTimeout());
            respondAndClose(req, route, start, ManagementResponse.problem(ProblemType.REQUEST_TIMEOUT,
                    "the request did not arrive whole within " + settings.readTimeout().toMillis() + " ms of its headers"));
        });
        if (token != null && !path.startsWith(Wire.APP_HEALTH_PREFIX)) {
            Optional<Duration> wait = limiter.refusedFor(req.remoteAddress());
            if (wait.isPresent()) {
                vertx.cancelTimer(readTimer);
                authRefused.increment();
                long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
                respondAndClose(req, route, start, ManagementResponse.problem(ProblemType.RATE_LIMITED,
                        "too many failed authentications from this address; retry after " + seconds
                                + " s with the right token").withHeader("Retry-After", Long.toString(seconds)));
                return;
            }
            if (!ApiTokens.matches(token, req.getHeader("Authorization"))) {
                vertx.cancelTimer(readTimer);
                authFailures.increment();
                limiter.failed(req.remoteAddress());
                respondAndClose(req, route, start, ManagementResponse.problem(ProblemType.UNAUTHORIZED,
                        "a valid Authorization: Bearer token is required").withHeader("WWW-Authenticate", "Bearer"));
                return;
            }
        }
        String length = req.getHeader("Content-Length");
        if (length != null && tooLong(length)) {
            vertx.cancelTimer(readTimer);
            respondAndClose(req, route, start, tooLarge());
            return;
        }
        InboundRequest inbound = new InboundRequest(req);
        req.response().closeHandler(v -> inbound.closed.complete(null));
        Buffer body = Buffer.buffer();
        req.handler(chunk -> {
            if (over[0]) {
                return;
            }
            if (body.length() + chunk.length() > settings.maxBodyBytes()) {
                over[0] = true;
                vertx.cancelTimer(readTimer);
                respondAndClose(req, route, start, tooLarge());
            } else {
                body.appendBuffer(chunk);
            }
        });
        req.exceptionHandler(e -> log.debug("management request {} {} failed: {}", req.method(), path, e.toString()));
        req.endHandler(v -> {
            vertx.cancelTimer(readTimer);
            if (over[0]) {
                return;
            }
            if (endpoint == null) {
                respond(req, route, start, ManagementResponse.problem(ProblemType.ROUTE_NOT_FOUND, "no such route"));
                return;
            }
            byte[] bytes = body.getBytes();
            Optional<ManagementResponse> refusal = RequestBodies.refusal(req.getHeader("Content-Type"), bytes);
            if (refusal.isPresent()) {
                respond(req, route, start, refusal.get());
                return;
            }
            inbound.body = bytes;
            Context context = vertx.getOrCreateContext();
            try {
                workers.execute(() -> {
                    ManagementResponse answer = EndpointHost.answer(endpoint, inbound);
                    try {
                        context.runOnContext(x -> respond(req, route, start, answer));
                    } catch (RejectedExecutionException closed) { // the server closed while the endpoint worked
                        log.debug("management request {} answered after the server closed; not sent", route);
                    }
                });
            } catch (RejectedExecutionException e) {
                respond(req, route, start, ManagementResponse.problem(ProblemType.ENGINE_UNAVAILABLE,
                        "the application is busy; retry later").withHeader("Retry-After", "1"));
            }
        });
    }

    private boolean tooLong(String length) {
        try {
            return Long.parseLong(length.strip()) > settings.maxBodyBytes();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private ManagementResponse tooLarge() {
        return ManagementResponse.problem(ProblemType.PAYLOAD_TOO_LARGE,
                "the request body is larger than " + settings.maxBodyBytes() + " bytes");
    }

    /**
     * Answers and closes the connection a second later (a lingering close, RFC 9112 section 9.6): a client
     * still sending a body it should not have would otherwise get a reset that can destroy the answer.
     */
    private void respondAndClose(HttpServerRequest req, String route, long start, ManagementResponse answer) {
        record(req, route, start, answer);
        if (req.response().ended() || req.response().closed()) {
            return;
        }
        LingeringClose.answer(vertx, req, answer.status(), headersOf(answer), Buffer.buffer(answer.body()));
    }

    /** @return the answer's headers: its content type, then its own */
    private static Map<String, String> headersOf(ManagementResponse answer) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (answer.contentType() != null) {
            headers.put("Content-Type", answer.contentType());
        }
        headers.putAll(answer.headers());
        return headers;
    }

    private void record(HttpServerRequest req, String route, long start, ManagementResponse answer) {
        Timer.builder(io.patternkit.management.ManagementServer.REQUESTS).tag("method", MethodTag.of(req.method()))
                .tag("route", route).tag("status", Integer.toString(answer.status())).register(registry)
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    private void respond(HttpServerRequest req, String route, long start, ManagementResponse answer) {
        HttpServerResponse response = req.response();
        record(req, route, start, answer);
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(answer.status());
        headersOf(answer).forEach(response::putHeader);
        response.end(Buffer.buffer(answer.body()));
    }

    /** A request as endpoints see it. */
    private static final class InboundRequest implements ManagementRequest {
        private final HttpServerRequest req;
        private final String method;
        private final String path;
        private final CompletableFuture<Void> closed = new CompletableFuture<>();
        private volatile byte[] body = new byte[0];

        InboundRequest(HttpServerRequest req) {
            this.req = req;
            this.method = req.method().name();
            this.path = req.path();
        }

        @Override
        public Optional<String> query(String name) {
            List<String> values;
            try {
                values = req.params().getAll(name);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("the query string is not valid percent-encoding");
            }
            return ManagementRequest.onlyValue(name, values);
        }

        @Override
        public String method() {
            return method;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public Optional<String> header(String name) {
            return Optional.ofNullable(req.headers().get(name));
        }

        @Override
        public byte[] body() {
            return body;
        }

        @Override
        public CompletionStage<Void> whenClosed() {
            return closed.minimalCompletionStage();
        }

        @Override
        public boolean isClosed() {
            return closed.isDone();
        }
    }
}

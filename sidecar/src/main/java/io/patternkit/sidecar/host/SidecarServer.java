package io.patternkit.sidecar.host;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import io.patternkit.server.security.AuthFailureLimiter;
import io.patternkit.server.security.CertificateReloader;
import io.patternkit.server.security.ConnectionCap;
import io.patternkit.server.security.LingeringClose;
import io.patternkit.server.security.MethodTag;
import io.patternkit.server.security.TlsFiles;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sidecar's one HTTP server: every served pattern's {@code /v1} routes ({@link RunningPattern})
 * guarded by the optional bearer token, and one {@code /healthz/live}, one {@code /healthz/ready}
 * (ready only while every pattern's engine answers, within {@link #READINESS_DEADLINE}) and one {@code /metrics} without it. Every error is an RFC 9457 problem, including unknown routes (404), wrong methods
 * (405, with {@code Allow}), POST and PUT bodies that are not JSON (415), bodies over the limit (413), bodies that
 * do not arrive whole within the idle timeout of their headers (408, or the connection closed when the request was
 * answered already: {@link BodyDeadline}), and
 * requests that are not valid HTTP (414, 431 and 400 before any route, the connection closed after). Requests are
 * timed as {@code http.server.requests} by method, route template and status.
 */
public final class SidecarServer {
    /** Routing-context key holding the route template, used as the metrics {@code route} tag. */
    public static final String ROUTE_KEY = "patternkit.route";
    /**
     * How long {@code /healthz/ready} waits for the patterns' engines before it answers 503: below the one second a
     * Kubernetes probe waits by default ({@code timeoutSeconds}), so that a stuck engine (a full volume, a lock
     * held) reads as not ready with a reason rather than as a probe timeout, and no caller waits on it longer.
     */
    static final Duration READINESS_DEADLINE = Duration.ofMillis(800);
    /** The metrics {@code route} tag of a request no route matched. */
    private static final String UNMATCHED = "unmatched";
    private static final Logger LOG = LoggerFactory.getLogger(SidecarServer.class);

    private final Vertx vertx;
    private final List<RunningPattern> patterns;
    private final PrometheusMeterRegistry registry;
    private final Responses responses;
    private final Router router;
    private volatile boolean draining;
    private final AppConnections appConnections;
    private HttpServer server;
    private volatile CertificateReloader reloader;

    /**
     * Builds the router around the patterns' routes.
     *
     * @param vertx the Vert.x instance
     * @param patterns the patterns' routes, readiness checks and drains, at least one
     * @param mapper the JSON mapper
     * @param registry the metrics registry served at {@code /metrics}
     * @param settings the API token (or none), the body limit, the idle timeout (also the body's deadline) and the
     *     failed-authentication limit
     */
    public SidecarServer(Vertx vertx, List<RunningPattern> patterns, JsonMapper mapper, PrometheusMeterRegistry registry,
                         HostSettings settings) {
        Optional<String> token = settings.token();
        long maxBodyBytes = settings.maxBodyBytes();
        this.vertx = vertx;
        this.appConnections = new AppConnections(vertx);
        this.patterns = List.copyOf(patterns);
        this.registry = registry;
        this.responses = new Responses(mapper);
        this.router = Router.router(vertx);
        router.route().handler(this::timed);
        router.route().handler(new BodyDeadline(vertx, settings.idleTimeout(), responses));
        router.route().handler(this::refuseDotSegments);
        // A client that went away mid-request (the idle timeout, a reset) has nobody to answer; not an error.
        router.route().failureHandler(ctx -> {
            if (ctx.failure() instanceof HttpClosedException) {
                LOG.debug("client went away mid-request: {} {}", ctx.request().method(), ctx.request().path());
            } else {
                ctx.next();
            }
        });
        router.get("/healthz/live").handler(ctx -> health(ctx, "/healthz/live", 200, "UP", null));
        router.get("/healthz/ready").handler(this::ready);
        router.get("/metrics").handler(ctx -> {
            ctx.put(ROUTE_KEY, "/metrics");
            // Off the event loop: a scrape may call out (the adapter's JMX collector) and grows with the series.
            ctx.vertx().executeBlocking(registry::scrape, false).onComplete(ar -> {
                if (ar.succeeded()) {
                    ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(ar.result());
                } else {
                    responses.failure(ctx, ar.cause());
                }
            });
        });
        Handler<RoutingContext> auth = token.<Handler<RoutingContext>>map(t -> new BearerTokenHandler(t, responses,
                new AuthFailureLimiter(settings.security().authFailures()), registry)).orElse(RoutingContext::next);
        token.ifPresent(t -> router.route("/v1/*").handler(auth));
        // Not router.post(...): a POST-only catch-all would turn every unknown GET under /v1 into a 405.
        router.route("/v1/*").handler(this::requireJsonBody);
        router.route("/v1/*").handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
        patterns.forEach(p -> p.mount(router, responses, auth));
        errorAs(404, ProblemType.ROUTE_NOT_FOUND, "no such route on this sidecar: is the path right, and is its pattern "
                + "among those it runs (--patterns)?");
        router.errorHandler(405, this::methodNotAllowed);
        errorAs(413, ProblemType.PAYLOAD_TOO_LARGE, "the request body is larger than " + maxBodyBytes + " bytes");
        errorAs(415, ProblemType.UNSUPPORTED_MEDIA_TYPE, "the body must be application/json");
        errorAs(400, ProblemType.INVALID_REQUEST, "the request is malformed");
        router.errorHandler(500, ctx -> responses.failure(ctx, ctx.failure()));
    }

    /**
     * Starts listening: on the settings' address and port, closing connections idle for the idle
     * timeout (one that stopped sending mid-body included, and one sending a request's line and headers a byte at a
     * time: only a decoded HTTP message restarts the timeout; a body trickled a chunk at a time is the
     * {@link BodyDeadline}'s), and closing at once every connection
     * beyond the cap, and a stranger's (one from off loopback) beyond all but the places it keeps for loopback
     * ({@link ConnectionCap}; counted in {@code patternkit.sidecar.connections.refused}; the connections open are the
     * gauge {@code patternkit.sidecar.connections.open}). With TLS files, serves
     * HTTPS and reads them again every reload interval ({@link CertificateReloader}); the served certificate's
     * remaining validity is the gauge {@code patternkit.sidecar.tls.certificate.expiry} (seconds), its reloads
     * {@code patternkit.sidecar.tls.reloads}.
     *
     * @param settings the address, port, idle timeout, connection cap and TLS files
     * @return the actual port once listening
     * @throws java.io.UncheckedIOException when a TLS file cannot be read
     * @throws IllegalArgumentException when the TLS files do not make a usable identity
     */
    public Future<Integer> start(HostSettings settings) {
        // HTTP/1.1 alone: with h2c on, Vert.x hands a connection over only after its first bytes, so one that sent
        // none would not be counted against the cap. The idle timeout sits behind Vert.x's HTTP decoder and only a
        // decoded message restarts it, so it also bounds a request's line and headers sent a byte at a time.
        HttpServerOptions options = new HttpServerOptions().setTcpNoDelay(true).setHttp2ClearTextEnabled(false)
                .setIdleTimeout((int) settings.idleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        Optional<TlsFiles> tls = settings.security().tls();
        Optional<TlsFiles.Loaded> loaded = tls.map(files -> files.applyTo(options, vertx));
        Counter refused = Counter.builder("patternkit.sidecar.connections.refused")
                .description("connections closed at once because --max-connections were open (for one from off loopback, "
                        + "all but the places kept for loopback)").register(registry);
        ConnectionCap cap = new ConnectionCap(settings.maxConnections());
        Gauge.builder("patternkit.sidecar.connections.open", cap, ConnectionCap::open)
                .description("connections open, of at most --max-connections").register(registry);
        return vertx.createHttpServer(options).connectionHandler(connection -> {
            if (!cap.admit(connection, appConnections::track)) {
                refused.increment();
            }
        }).invalidRequestHandler(this::invalid).requestHandler(router)
                // A connection that fails below HTTP (a TLS handshake a stranger or a plain-HTTP client botches, a
                // reset): nobody to answer, and at debug so that a stranger cannot fill the log.
                .exceptionHandler(e -> LOG.debug("connection failed: {}", e.toString()))
                .listen(settings.port(), settings.bind()).map(s -> {
            server = s;
            loaded.ifPresent(identity -> watchCertificate(tls.get(), identity, settings.security().tlsReloadInterval()));
            return s.actualPort();
        });
    }

    private void watchCertificate(TlsFiles files, TlsFiles.Loaded identity, Duration interval) {
        reloader = CertificateReloader.start(vertx, server, files, identity, interval);
        CertificateReloader watching = reloader;
        Gauge.builder("patternkit.sidecar.tls.certificate.expiry", watching,
                        r -> (r.current().certificate().getNotAfter().getTime() - System.currentTimeMillis()) / 1000.0)
                .description("seconds until the served TLS certificate expires").baseUnit("seconds").register(registry);
        FunctionCounter.builder("patternkit.sidecar.tls.reloads", watching, CertificateReloader::reloads)
                .description("rotated TLS certificates picked up without a restart").register(registry);
    }

    /**
     * Drains: readiness turns 503 at once, parked long-polls are answered, new connections are
     * refused and in-flight requests get up to {@code timeout} to finish.
     *
     * @param timeout the longest wait for in-flight requests
     * @return completes when the server is closed
     */
    public Future<Void> drain(Duration timeout) {
        markDraining();
        List<Future<Void>> stopping = new ArrayList<>(patterns.stream().map(RunningPattern::drain).toList());
        stopping.add(stopWatchingCertificate());
        return Future.all(stopping).<Void>mapEmpty()
                .compose(v -> server == null ? Future.succeededFuture()
                : server.shutdown(timeout.toMillis(), TimeUnit.MILLISECONDS));
    }

    /**
     * Stops reading the TLS files again ({@link CertificateReloader#stop()}); call it before Vert.x closes.
     *
     * @return completes (never fails) once no read of the files is under way; at once without TLS
     */
    public Future<Void> stopWatchingCertificate() {
        return reloader == null ? Future.succeededFuture() : reloader.stop();
    }

    /**
     * @param quiet how long the app may have no connection open before it counts as gone
     * @return completes once the app beside the sidecar (its loopback connections) has closed every
     *     connection and opened none for {@code quiet}
     */
    public Future<Void> appGone(Duration quiet) {
        return appConnections.gone(quiet);
    }

    /** @return the connections from the app beside the sidecar (loopback addresses) open now */
    public int appConnectionsOpen() {
        return appConnections.open();
    }

    /** Makes readiness answer 503 from now on, ahead of a {@link #drain}; requests are still served. */
    public void markDraining() {
        draining = true;
    }

    private void timed(RoutingContext ctx) {
        long start = System.nanoTime();
        ctx.addEndHandler(v -> recordRequest(ctx.request().method(), ctx.get(ROUTE_KEY, UNMATCHED),
                ctx.response().getStatusCode(), start));
        ctx.next();
    }

    /**
     * A path with a {@code .}, {@code ..} (also percent-encoded) or empty segment is refused, not normalised:
     * RFC 3986 dot-segment removal and slash merging would turn {@code /v1/elections/./watch} or
     * {@code /v1/elections//watch} into {@code /v1/elections/watch}, another resource than the client named
     * (the election {@code watch}). Names cannot be empty, {@code .} or {@code ..} (the contract's patterns
     * exclude them), so no valid request has such a segment; a trailing slash is left to routing.
     */
    private void refuseDotSegments(RoutingContext ctx) {
        String path = ctx.request().path();
        if (!path.contains("//") && !path.contains("/.") && path.indexOf('%') < 0 && !(path.length() > 1 && path.endsWith("/"))) {
            ctx.next(); // every request passes here: no split for the paths that cannot hold such a segment
            return;
        }
        String[] segments = path.split("/", -1);
        for (int i = 1; i < segments.length; i++) {
            String s = segments[i].toLowerCase(Locale.ROOT).replace("%2e", ".");
            // An empty segment, also the last one after a trailing slash: /v1/ambassador/upstreams/ names no upstream
            // (the router would otherwise take it for the list). Only "/" itself ends in an empty segment.
            if (s.equals(".") || s.equals("..") || (s.isEmpty() && segments.length > 2)) {
                responses.problem(ctx, ProblemType.INVALID_REQUEST, "the path has an empty, '.' or '..' segment, which "
                        + "names no resource; names cannot be empty, '.' or '..'", List.of());
                return;
            }
        }
        ctx.next();
    }

    private void requireJsonBody(RoutingContext ctx) {
        HttpMethod method = ctx.request().method();
        if (method != HttpMethod.POST && method != HttpMethod.PUT) {
            ctx.next();
            return;
        }
        String type = ctx.request().getHeader("Content-Type");
        String media = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (media.equals("application/json") || !served(method, ctx.normalizedPath())) {
            ctx.next(); // a path or method no route serves is the router's 404 or 405, whatever the body's type
        } else {
            responses.problem(ctx, ProblemType.UNSUPPORTED_MEDIA_TYPE, "the body must be application/json", List.of());
        }
    }

    /** Whether a route serves the method at the path (looked up only for a body of the wrong type). */
    private boolean served(HttpMethod method, String path) {
        return routesAt(path).anyMatch(route -> route.methods().contains(method));
    }

    /** @return the routes, each with its methods, whose template matches the path */
    private Stream<Route> routesAt(String path) {
        return router.getRoutes().stream()
                .filter(route -> route.methods() != null && route.getPath() != null && matches(route.getPath(), path));
    }

    private void ready(RoutingContext ctx) {
        if (draining) {
            health(ctx, "/healthz/ready", 503, "DOWN", "draining");
            return;
        }
        Future.all(patterns.stream().map(RunningPattern::ping).toList())
                .timeout(READINESS_DEADLINE.toMillis(), TimeUnit.MILLISECONDS).onComplete(ar -> {
                    if (ar.succeeded()) {
                        health(ctx, "/healthz/ready", 200, "UP", null);
                    } else if (ar.cause() instanceof TimeoutException) {
                        health(ctx, "/healthz/ready", 503, "DOWN", "engine did not answer within "
                                + READINESS_DEADLINE.toMillis() + " ms");
                    } else {
                        health(ctx, "/healthz/ready", 503, "DOWN", "engine unreachable");
                    }
                });
    }

    private void health(RoutingContext ctx, String route, int status, String state, String detail) {
        ctx.put(ROUTE_KEY, route);
        var body = responses.object().put("status", state);
        if (detail != null) {
            body.put("detail", detail);
        }
        responses.json(ctx, status, body);
    }

    /**
     * A request Netty could not decode, so no route sees it: the status Vert.x would send (414 for a request
     * line over its limit, 431 for headers over theirs, 400 otherwise), as a problem document, counted in
     * {@code http.server.requests} under the route {@code invalid}; the connection is closed a second after it.
     */
    private void invalid(HttpServerRequest request) {
        long start = System.nanoTime();
        Throwable cause = request.decoderResult().cause();
        ProblemType type;
        String detail;
        if (cause instanceof TooLongHttpLineException) {
            type = ProblemType.URI_TOO_LONG;
            detail = "the request line is longer than the sidecar reads";
        } else if (cause instanceof TooLongHttpHeaderException) {
            type = ProblemType.HEADERS_TOO_LARGE;
            detail = "the request's headers are larger than the sidecar reads";
        } else {
            type = ProblemType.INVALID_REQUEST;
            detail = "the request line or a header is not valid HTTP";
        }
        // A lingering close: a client still sending (a body behind a line too long) would otherwise get a reset that
        // can destroy the answer before it reads it. The decoder discards whatever arrives meanwhile.
        LingeringClose.answer(vertx, request, type.status(), Map.of("Content-Type", Wire.PROBLEM_JSON), responses.problemBytes(type, detail))
                .onComplete(v -> recordRequest(request.method(), "invalid", type.status(), start));
    }

    private void recordRequest(HttpMethod method, String route, int status, long startNanos) {
        Timer.builder("http.server.requests").tag("method", MethodTag.of(method)).tag("route", route)
                .tag("status", Integer.toString(status)).register(registry)
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    /** 405 with the {@code Allow} header RFC 9110 requires: the methods of every route whose template matches the path. */
    private void methodNotAllowed(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        Set<String> allowed = new TreeSet<>();
        routesAt(path).forEach(route -> route.methods().forEach(m -> allowed.add(m.name())));
        String allow = String.join(", ", allowed);
        ctx.response().putHeader("Allow", allow);
        responses.problem(ctx, ProblemType.METHOD_NOT_ALLOWED, "the route does not accept " + ctx.request().method().name()
                + (allow.isEmpty() ? "" : "; it accepts " + allow), List.of());
    }

    /** Whether a path fits a route template such as {@code /v1/queues/:queue/claim}, segment by segment. */
    static boolean matches(String template, String path) {
        String[] want = template.split("/", -1);
        String[] got = path.split("/", -1);
        if (want.length != got.length) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            boolean parameter = want[i].startsWith(":") && !got[i].isEmpty();
            if (!parameter && !want[i].equals(got[i])) {
                return false;
            }
        }
        return true;
    }

    private void errorAs(int status, ProblemType type, String detail) {
        router.errorHandler(status, ctx -> responses.problem(ctx, type, detail, List.of()));
    }
}

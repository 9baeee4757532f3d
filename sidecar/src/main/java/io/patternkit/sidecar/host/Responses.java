package io.patternkit.sidecar.host;

import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.common.EngineException;
import io.patternkit.sidecar.common.FieldError;
import io.patternkit.sidecar.common.JsonFields;
import io.patternkit.sidecar.common.ProblemException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes JSON bodies and RFC 9457 {@code application/problem+json} documents. Failures are mapped
 * once, here: {@link ProblemException} to its type, {@link EngineException} to 503
 * {@code engine-unavailable} with {@code Retry-After}, anything else to 500 {@code internal}
 * (logged, as it is a sidecar bug). An engine failure is logged at WARN at most once every
 * {@value #ENGINE_WARN_INTERVAL_SECONDS} s, with how many were answered since, and at DEBUG otherwise: while the engine
 * is down every client retries every second, and each answer would otherwise be a WARN line. Thread-safe.
 */
public final class Responses {
    /** Seconds a client should wait before retrying after a 503. */
    public static final int RETRY_AFTER_SECONDS = 1;
    /** The shortest time between two WARN lines about engine failures. */
    static final int ENGINE_WARN_INTERVAL_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(Responses.class);

    private final JsonMapper mapper;
    private final AtomicLong nextEngineWarnNanos = new AtomicLong(System.nanoTime());
    private final AtomicLong engineFailuresSinceWarn = new AtomicLong();

    /**
     * Creates the writer.
     *
     * @param mapper the JSON mapper
     */
    public Responses(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * @param ctx a request whose body the router has read
     * @return its body's bytes, exactly as sent; null when it has none
     */
    public static byte[] body(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        return body == null ? null : body.getBytes();
    }

    /**
     * A query parameter that the contract defines once: given twice it is ambiguous (which one would a proxy
     * or cache in between have read?), so it is refused rather than the first one taken.
     *
     * @param ctx the request
     * @param name the parameter
     * @return its value, null when absent
     * @throws ProblemException {@code invalid-request} naming the parameter when it is given more than once, or when
     *     the query string is not valid percent-encoding (RFC 3986, section 2.1)
     */
    public static String query(RoutingContext ctx, String name) {
        List<String> values;
        try {
            values = ctx.queryParam(name); // Vert.x decodes the whole query string on the first call
        } catch (HttpException | IllegalArgumentException e) {
            Throwable why = e.getCause() != null ? e.getCause() : e; // Vert.x's 400 carries the detail in its cause
            throw new ProblemException(ProblemType.INVALID_REQUEST, "the query string is not valid percent-encoding: "
                    + why.getMessage());
        }
        if (values.size() > 1) {
            throw JsonFields.invalid(name, "is given more than once");
        }
        return values.isEmpty() ? null : values.get(0);
    }

    /** @return a new empty JSON object */
    public ObjectNode object() {
        return mapper.createObjectNode();
    }

    /**
     * Sends a JSON body.
     *
     * @param ctx the request
     * @param status the HTTP status
     * @param body the body
     */
    public void json(RoutingContext ctx, int status, ObjectNode body) {
        send(ctx, status, "application/json", body);
    }

    /**
     * Runs a route's work and answers 200 with the JSON it produces, or the problem its failure maps
     * to; a client that has gone gets nothing. What {@code work} throws is answered like a failure.
     *
     * @param ctx the request
     * @param route the route's template, for the metrics ({@link SidecarServer#ROUTE_KEY})
     * @param work the work, producing the 200 body
     */
    public void answer(RoutingContext ctx, String route, Supplier<Future<ObjectNode>> work) {
        ctx.put(SidecarServer.ROUTE_KEY, route);
        Future<ObjectNode> reply;
        try {
            reply = work.get();
        } catch (RuntimeException e) {
            reply = Future.failedFuture(e);
        }
        reply.onComplete(ar -> {
            if (ctx.response().closed()) {
                return;
            }
            if (ar.failed()) {
                failure(ctx, ar.cause());
            } else {
                json(ctx, 200, ar.result());
            }
        });
    }

    /**
     * Sends the problem a failure maps to.
     *
     * @param ctx the request
     * @param failure the failure, may be null (then 500)
     */
    public void failure(RoutingContext ctx, Throwable failure) {
        if (failure instanceof ProblemException p) {
            problem(ctx, p.type(), p.getMessage(), p.errors());
        } else if (failure instanceof EngineException e) {
            logEngineFailure(e);
            ctx.response().putHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
            problem(ctx, ProblemType.ENGINE_UNAVAILABLE, "the engine is unavailable; retry later", List.of());
        } else {
            LOG.error("internal error on {} {}", ctx.request().method(), ctx.request().path(), failure);
            problem(ctx, ProblemType.INTERNAL, "internal error", List.of());
        }
    }

    private void logEngineFailure(EngineException e) {
        long now = System.nanoTime();
        long next = nextEngineWarnNanos.get();
        if (now - next >= 0 && nextEngineWarnNanos.compareAndSet(next, now + TimeUnit.SECONDS.toNanos(ENGINE_WARN_INTERVAL_SECONDS))) {
            long since = engineFailuresSinceWarn.getAndSet(0);
            LOG.warn("engine unavailable: {}{}", e.getMessage(), since == 0 ? ""
                    : " (" + since + " more answered 503 since the last such line, logged at DEBUG)");
        } else {
            engineFailuresSinceWarn.incrementAndGet();
            LOG.debug("engine unavailable: {}", e.getMessage());
        }
    }

    /**
     * Sends a problem document.
     *
     * @param ctx the request
     * @param type the problem type, whose status is used
     * @param detail the detail, never containing payloads or secrets
     * @param errors offending fields, never null
     */
    public void problem(RoutingContext ctx, ProblemType type, String detail, List<FieldError> errors) {
        send(ctx, type.status(), Wire.PROBLEM_JSON, problemBody(type, detail, errors));
    }

    /**
     * Builds a problem document, as sent alone or inside a batch outcome.
     *
     * @param type the problem type
     * @param detail the detail
     * @param errors offending fields, never null
     * @return the document
     */
    public ObjectNode problemBody(ProblemType type, String detail, List<FieldError> errors) {
        ObjectNode body = object().put("type", type.uri()).put("title", type.title()).put("status", type.status())
                .put("detail", detail);
        if (!errors.isEmpty()) {
            ArrayNode list = body.putArray("errors");
            errors.forEach(e -> list.addObject().put("field", e.field()).put("message", e.message()));
        }
        return body;
    }

    /**
     * A problem document without field errors, serialised.
     *
     * @param type the problem type
     * @param detail the detail, never containing payloads or secrets
     * @return the document's bytes
     */
    public Buffer problemBytes(ProblemType type, String detail) {
        return Buffer.buffer(bytes(problemBody(type, detail, List.of())));
    }

    private byte[] bytes(ObjectNode body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot serialise a response", e);
        }
    }

    private void send(RoutingContext ctx, int status, String contentType, ObjectNode body) {
        HttpServerResponse response = ctx.response();
        if (response.ended()) {
            return;
        }
        response.setStatusCode(status).putHeader("Content-Type", contentType).end(Buffer.buffer(bytes(body)));
    }
}

package io.patternkit.sidecar.workqueue;

import io.patternkit.protocol.ProblemType;
import io.patternkit.sidecar.host.Responses;
import io.patternkit.sidecar.host.SidecarServer;
import io.patternkit.sidecar.workqueue.ClaimRequest;
import io.patternkit.sidecar.workqueue.ClaimedItem;
import io.patternkit.sidecar.workqueue.DeadLetter;
import io.patternkit.sidecar.workqueue.Enqueued;
import io.patternkit.sidecar.workqueue.ExtendRequest;
import io.patternkit.sidecar.workqueue.NackOutcome;
import io.patternkit.sidecar.workqueue.NackRequest;
import io.patternkit.sidecar.workqueue.QueueStats;
import io.patternkit.sidecar.workqueue.RequestParser;
import io.patternkit.sidecar.workqueue.WorkQueueService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

/**
 * The {@code /v1/queues/{queue}/...} routes of the OpenAPI contract: each validates its input
 * with {@link RequestParser}, calls {@link WorkQueueService} and maps the result to the wire.
 */
final class WorkQueueRoutes {
    private static final String STALE = "the receipt is not the item's latest";

    private final WorkQueueService service;
    private final RequestParser parser;
    private final Responses responses;

    WorkQueueRoutes(WorkQueueService service, RequestParser parser, Responses responses) {
        this.service = service;
        this.parser = parser;
        this.responses = responses;
    }

    /** A reply: the status and the JSON body, or a null body for 204. */
    private record Reply(int status, ObjectNode body) {
    }

    /** Handles a validated queue name and parsed JSON body (with its bytes, for what is stored as sent). */
    @FunctionalInterface
    private interface JsonRoute {
        Future<Reply> handle(String queue, JsonNode body, byte[] raw);
    }

    void mount(Router router) {
        String base = "/v1/queues/:queue";
        post(router, base + "/items", (q, body, raw) -> service.enqueue(q, List.of(parser.enqueue(body, raw)))
                .map(r -> new Reply(201, enqueued(r.get(0)))));
        post(router, base + "/items/batch", (q, body, raw) -> service.enqueue(q, parser.enqueueBatch(body, raw))
                .map(results -> list("results", results, this::enqueued)));
        router.post(base + "/claim").handler(ctx -> run(ctx, base + "/claim", () -> {
            String queue = parser.queue(ctx.pathParam("queue"));
            ClaimRequest request = parser.claim(parser.parse(Responses.body(ctx)));
            Promise<Void> gone = Promise.promise();
            ctx.response().closeHandler(v -> gone.tryComplete());
            return service.ackAndClaim(queue, request, gone.future()).map(answer -> {
                Reply reply = list("items", answer.items(), this::claimed);
                if (!request.acks().isEmpty()) {
                    outcomes(reply.body().putArray("acks"), request.acks(), answer.acks(), (out, ok) -> ok);
                }
                return reply;
            });
        }));
        router.delete(base + "/claims/:claimId").handler(ctx -> run(ctx, base + "/claims/:claimId", () ->
                service.endClaim(parser.queue(ctx.pathParam("queue")), parser.claimId(ctx.pathParam("claimId")))
                        .map(v -> new Reply(204, null))));
        post(router, base + "/ack", (q, body, raw) -> service.ack(q, parser.ack(body)).map(v -> new Reply(204, null)));
        post(router, base + "/ack/batch", (q, body, raw) -> {
            List<String> receipts = parser.ackBatch(body);
            return service.ackBatch(q, receipts).map(oks -> batch(receipts, oks, (out, ok) -> ok));
        });
        post(router, base + "/nack", (q, body, raw) -> service.nack(q, parser.nack(body))
                .map(outcome -> new Reply(200, nacked(responses.object(), outcome, "visibleAt"))));
        post(router, base + "/nack/batch", (q, body, raw) -> {
            List<NackRequest> requests = parser.nackBatch(body);
            return service.nackBatch(q, requests).map(outcomes -> batch(requests.stream().map(NackRequest::receipt).toList(),
                    outcomes, WorkQueueRoutes::nackedInBatch));
        });
        post(router, base + "/extend", (q, body, raw) -> service.extend(q, parser.extend(body))
                .map(until -> new Reply(200, responses.object().put("visibleUntil", instant(until)))));
        post(router, base + "/extend/batch", (q, body, raw) -> {
            List<ExtendRequest> requests = parser.extendBatch(body);
            return service.extendBatch(q, requests).map(outcomes -> batch(requests.stream().map(ExtendRequest::receipt).toList(),
                    outcomes, WorkQueueRoutes::extended));
        });
        post(router, base + "/dead-letters/redrive", (q, body, raw) -> service.redrive(q, parser.redrive(body))
                .map(n -> new Reply(200, responses.object().put("redriven", n))));
        get(router, base + "/stats", ctx -> service.stats(parser.queue(ctx.pathParam("queue")))
                .map(s -> new Reply(200, stats(ctx.pathParam("queue"), s))));
        get(router, base + "/dead-letters", ctx -> {
            String queue = parser.queue(ctx.pathParam("queue"));
            int limit = parser.limit(Responses.query(ctx, "limit"));
            return service.deadLetters(queue, limit).map(dead -> list("items", dead, this::deadLetter));
        });
    }

    private void post(Router router, String path, JsonRoute route) {
        router.post(path).handler(ctx -> run(ctx, path, () -> {
            String queue = parser.queue(ctx.pathParam("queue"));
            byte[] raw = Responses.body(ctx);
            return route.handle(queue, parser.parse(raw), raw);
        }));
    }


    private void get(Router router, String path, Function<RoutingContext, Future<Reply>> route) {
        router.get(path).handler(ctx -> run(ctx, path, () -> route.apply(ctx)));
    }

    private void run(RoutingContext ctx, String path, Supplier<Future<Reply>> work) {
        ctx.put(SidecarServer.ROUTE_KEY, path);
        Future<Reply> reply;
        try {
            reply = work.get();
        } catch (RuntimeException e) {
            reply = Future.failedFuture(e);
        }
        reply.onComplete(ar -> {
            if (ar.failed()) {
                responses.failure(ctx, ar.cause());
            } else if (ar.result().body() == null) {
                ctx.response().setStatusCode(ar.result().status()).end();
            } else {
                responses.json(ctx, ar.result().status(), ar.result().body());
            }
        });
    }

    /** A 200 reply whose body holds one array member. */
    private <T> Reply list(String member, List<T> elements, Function<T, ObjectNode> toJson) {
        ObjectNode out = responses.object();
        ArrayNode array = out.putArray(member);
        elements.forEach(e -> array.add(toJson.apply(e)));
        return new Reply(200, out);
    }

    /** Builds a batch result; {@code fill} adds the element's details and says whether it succeeded. */
    private <T> Reply batch(List<String> receipts, List<T> outcomes, BiFunction<ObjectNode, T, Boolean> fill) {
        ObjectNode out = responses.object();
        outcomes(out.putArray("results"), receipts, outcomes, fill);
        return new Reply(200, out);
    }

    /** Adds one outcome per receipt to {@code list}, in order; {@code fill} as for {@link #batch}. */
    private <T> void outcomes(ArrayNode list, List<String> receipts, List<T> outcomes,
            BiFunction<ObjectNode, T, Boolean> fill) {
        for (int i = 0; i < receipts.size(); i++) {
            ObjectNode element = list.addObject().put("receipt", receipts.get(i));
            boolean ok = fill.apply(element, outcomes.get(i));
            element.put("ok", ok);
            if (!ok) {
                element.set("problem", responses.problemBody(ProblemType.RECEIPT_STALE, STALE, List.of()));
            }
        }
    }

    private ObjectNode enqueued(Enqueued r) {
        return responses.object().put("id", Long.toString(r.id())).put("duplicate", r.duplicate());
    }

    private ObjectNode claimed(ClaimedItem item) {
        ObjectNode node = responses.object().put("id", Long.toString(item.id())).put("receipt", service.receipt(item))
                .put("attempt", item.attempt()).put("maxAttempts", item.maxAttempts());
        body(node, item.payloadJson(), item.fileRef(), item.dedupKey());
        return node.put("priority", item.priority()).put("enqueuedAt", instant(item.enqueuedAtMs()))
                .put("visibleUntil", instant(item.visibleUntilMs()));
    }

    private ObjectNode deadLetter(DeadLetter d) {
        ObjectNode node = responses.object().put("id", Long.toString(d.id()));
        body(node, d.payloadJson(), d.fileRef(), d.dedupKey());
        return node.put("attempts", d.attempts()).put("reason", d.reason()).put("enqueuedAt", instant(d.enqueuedAtMs()))
                .put("deadAt", instant(d.deadAtMs()));
    }

    private static void body(ObjectNode node, String payloadJson, String fileRef, String dedupKey) {
        if (payloadJson != null) {
            node.putRawValue("payload", new RawValue(payloadJson));
        }
        if (fileRef != null) {
            node.put("fileRef", fileRef);
        }
        if (dedupKey != null) {
            node.put("dedupKey", dedupKey);
        }
    }

    /** Adds {@code state} and, unless dead, the visibility instant under {@code visibleField} (none when null). */
    private static ObjectNode nacked(ObjectNode node, NackOutcome outcome, String visibleField) {
        node.put("state", outcome.state().wireName());
        if (visibleField != null && outcome.visibleAtMs() != null) {
            node.put(visibleField, instant(outcome.visibleAtMs()));
        }
        return node;
    }

    private static boolean nackedInBatch(ObjectNode node, Optional<NackOutcome> outcome) {
        outcome.ifPresent(o -> nacked(node, o, null));
        return outcome.isPresent();
    }

    private static boolean extended(ObjectNode node, OptionalLong until) {
        until.ifPresent(ms -> node.put("visibleUntil", instant(ms)));
        return until.isPresent();
    }

    private ObjectNode stats(String queue, QueueStats s) {
        return responses.object().put("queue", queue).put("ready", s.ready()).put("delayed", s.delayed())
                .put("inFlight", s.inFlight()).put("dead", s.dead()).put("acked", s.acked())
                .put("oldestReadyAgeMs", s.oldestReadyAgeMs());
    }

    private static String instant(long epochMs) {
        return Instant.ofEpochMilli(epochMs).toString();
    }
}

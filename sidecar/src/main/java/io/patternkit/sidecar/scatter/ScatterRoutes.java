package io.patternkit.sidecar.scatter;

import io.patternkit.protocol.CompletionPolicy;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.common.FieldError;
import io.patternkit.sidecar.common.ProblemException;
import io.patternkit.sidecar.host.Responses;
import io.patternkit.sidecar.host.RunningPattern;
import io.patternkit.sidecar.host.SidecarServer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code /v1/pools/{pool}/...} routes of the OpenAPI contract: leaf registration, the pool's
 * leaves, and the scatter call (one JSON answer, or NDJSON lines as shards settle). Bad input is a
 * 4xx problem that changes nothing; a pool without leaves is a 404 unless the call names its
 * shards. Payloads are never logged.
 */
public final class ScatterRoutes implements RunningPattern {
    private static final Logger LOG = LoggerFactory.getLogger(ScatterRoutes.class);

    private final LeafRegistry registry;
    private final ScatterEngine engine;
    private final ScatterRequestParser parser;
    private final MergeClient merger;
    private final JsonMapper mapper;
    private Responses responses;

    /**
     * Creates the routes.
     *
     * @param registry the leaf registry
     * @param engine the scatter engine
     * @param parser the request validator
     * @param merger the merge container client
     * @param mapper the JSON mapper
     */
    public ScatterRoutes(LeafRegistry registry, ScatterEngine engine, ScatterRequestParser parser, MergeClient merger,
                         JsonMapper mapper) {
        this.registry = registry;
        this.engine = engine;
        this.parser = parser;
        this.merger = merger;
        this.mapper = mapper;
    }

    @Override
    public void mount(Router router, Responses writer, Handler<RoutingContext> auth) {
        this.responses = writer;
        String leaf = "/v1/pools/:pool/leaves/:leafId";
        router.put(leaf).handler(ctx -> run(ctx, leaf, () -> register(ctx)));
        router.delete(leaf).handler(ctx -> run(ctx, leaf, () -> {
            String pool = parser.pool(ctx.pathParam("pool"));
            String leafId = parser.leafId(ctx.pathParam("leafId"));
            registry.deregister(pool, leafId);
            LOG.debug("leaf {} left pool {}", leafId, pool);
            ctx.response().setStatusCode(204).end();
        }));
        String leaves = "/v1/pools/:pool/leaves";
        router.get(leaves).handler(ctx -> run(ctx, leaves, () -> list(ctx)));
        String scatter = "/v1/pools/:pool/scatter";
        router.post(scatter).handler(ctx -> run(ctx, scatter, () -> scatter(ctx)));
    }

    @Override
    public Future<Void> ping() {
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> drain() {
        // Nothing is parked: every scatter call ends by its deadline (at most 60 s).
        return Future.succeededFuture();
    }

    private void run(RoutingContext ctx, String route, Runnable work) {
        ctx.put(SidecarServer.ROUTE_KEY, route);
        try {
            work.run();
        } catch (RuntimeException e) {
            responses.failure(ctx, e);
        }
    }

    private void register(RoutingContext ctx) {
        String pool = parser.pool(ctx.pathParam("pool"));
        String leafId = parser.leafId(ctx.pathParam("leafId"));
        Registration r = parser.registration(Responses.body(ctx));
        Leaf leaf = registry.register(pool, leafId, r.shard(), r.url(), r.ttl());
        LOG.debug("leaf {} registered in pool {} for shard {}", leafId, pool, r.shard());
        responses.json(ctx, 200, responses.object().put("pool", pool).put("leafId", leafId).put("shard", leaf.shard())
                .put("url", leaf.url()).put("ttlMs", r.ttl().toMillis())
                .put("expiresInMs", registry.expiresIn(leaf).orElseThrow().toMillis()));
    }

    private void list(RoutingContext ctx) {
        String pool = parser.pool(ctx.pathParam("pool"));
        ObjectNode body = responses.object().put("pool", pool);
        ArrayNode shards = body.putArray("shards");
        registry.shards(pool).forEach((shard, replicas) -> {
            ArrayNode list = shards.addObject().put("shard", shard).putArray("replicas");
            for (Leaf leaf : replicas) {
                ObjectNode replica = list.addObject().put("leafId", leaf.leafId()).put("url", leaf.url())
                        .put("source", leaf.source().wireName());
                registry.expiresIn(leaf).ifPresent(d -> replica.put("expiresInMs", d.toMillis()));
            }
        });
        responses.json(ctx, 200, body);
    }

    private void scatter(RoutingContext ctx) {
        String pool = parser.pool(ctx.pathParam("pool"));
        ScatterSpec spec = parser.scatter(Responses.body(ctx));
        SortedMap<String, List<Leaf>> known = registry.shards(pool);
        List<ShardTarget> targets = new ArrayList<>();
        if (spec.shards().isPresent()) {
            spec.shards().get().forEach(s -> targets.add(new ShardTarget(s, known.getOrDefault(s, List.of()))));
        } else if (known.isEmpty()) {
            throw new ProblemException(ProblemType.NOT_FOUND, "pool " + pool + " has no leaves; name the shards to have them reported skipped");
        } else {
            known.forEach((s, replicas) -> targets.add(new ShardTarget(s, replicas)));
        }
        if (spec.completion().policy() == CompletionPolicy.FIRST_N && spec.completion().n() > targets.size()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "completion.n is " + spec.completion().n()
                    + " but the call asks only " + targets.size() + " shard(s)",
                    List.of(new FieldError("completion.n",
                            "must be at most the number of shards asked (" + targets.size() + ")")));
        }
        String scatterId = UUID.randomUUID().toString();
        ScatterPlan plan = new ScatterPlan(pool, scatterId, spec.requestJson(), spec.deadline(), spec.leafTimeout(),
                spec.completion(), spec.hedging(), targets);
        String accept = ctx.request().getHeader("Accept");
        boolean stream = accept != null && accept.toLowerCase(Locale.ROOT).contains(Wire.NDJSON);
        LOG.debug("scatter {} on pool {}: {} shard(s), deadline {} ms, stream {}", scatterId, pool, targets.size(),
                spec.deadline().toMillis(), stream);
        HttpServerResponse response = ctx.response();
        if (stream) {
            response.setStatusCode(200).setChunked(true).putHeader("Content-Type", Wire.NDJSON);
        }
        ScatterCall call = engine.start(plan, new ScatterListener() {
            @Override
            public void onPart(ShardOutcome outcome) {
                if (stream && !response.closed()) {
                    ObjectNode line = responses.object().put("event", "part");
                    shard(line, outcome);
                    response.write(line(line));
                }
            }

            @Override
            public void onDone(ScatterOutcome outcome) {
                if (spec.mergeUrl().isPresent()) {
                    merger.merge(spec.mergeUrl().get(), spec.mergeTimeout(), spec.requestJson(), outcome,
                            reply -> finish(ctx, stream, outcome, reply));
                } else {
                    finish(ctx, stream, outcome, null);
                }
            }
        });
        if (response.closed()) { // the client went away before the handler was set: it would never hear of it
            call.cancel();
        } else if (!response.ended()) { // shards named but without leaves settle inside start(), answered already
            response.closeHandler(v -> call.cancel());
        }
    }

    private void finish(RoutingContext ctx, boolean stream, ScatterOutcome outcome, JsonPoster.Reply merge) {
        HttpServerResponse response = ctx.response();
        if (response.closed() || response.ended()) {
            return;
        }
        ObjectNode body = responses.object();
        if (stream) {
            body.put("event", "done");
        }
        body.put("pool", outcome.pool()).put("scatterId", outcome.scatterId()).put("complete", outcome.complete())
                .put("policyMet", outcome.policyMet()).put("elapsedMs", outcome.elapsed().toMillis());
        if (!stream) {
            ArrayNode shards = body.putArray("shards");
            outcome.shards().forEach(s -> shard(shards.addObject(), s));
        }
        ScatterStats stats = outcome.stats();
        body.putObject("stats").put("leafRequests", stats.leafRequests()).put("hedgedRequests", stats.hedgedRequests())
                .put("hedgesWon", stats.hedgesWon()).put("cancelledRequests", stats.cancelledRequests());
        if (merge != null) {
            if (merge.ok()) {
                body.set("merged", merge.body());
            } else {
                body.put("mergeError", merge.failure());
            }
        }
        if (stream) {
            response.end(line(body));
        } else {
            responses.json(ctx, 200, body);
        }
    }

    private static void shard(ObjectNode node, ShardOutcome outcome) {
        node.put("shard", outcome.shard()).put("status", outcome.status().wireName());
        if (outcome.reason() != null) {
            node.put("reason", outcome.reason());
        }
        if (outcome.leafId() != null) {
            node.put("leafId", outcome.leafId());
        }
        node.put("latencyMs", outcome.latency().toMillis()).put("hedged", outcome.hedged()).put("attempts", outcome.attempts());
        if (outcome.response() != null) {
            node.set("response", outcome.response());
        }
    }

    private Buffer line(ObjectNode node) {
        try {
            return Buffer.buffer(mapper.writeValueAsBytes(node)).appendString("\n");
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot serialise a scatter line", e);
        }
    }
}

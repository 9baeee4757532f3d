package io.patternkit.sidecar.checkpoint;

import io.patternkit.sidecar.host.Responses;
import io.patternkit.sidecar.host.RunningPattern;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

/**
 * The checkpoint routes of the OpenAPI contract: {@code GET} and {@code PUT /v1/checkpoints/{name}} and
 * {@code POST /v1/checkpoints/{name}/restore}.
 */
final class CheckpointRoutes implements RunningPattern {
    private static final String BASE = "/v1/checkpoints/:checkpoint";

    private final CheckpointService service;
    private final CheckpointRequests parser;
    private Responses responses;

    CheckpointRoutes(CheckpointService service, CheckpointRequests parser) {
        this.service = service;
        this.parser = parser;
    }

    @Override
    public void mount(Router router, Responses responses, Handler<RoutingContext> auth) {
        this.responses = responses;
        router.get(BASE).handler(ctx -> responses.answer(ctx, BASE, () ->
                service.read(parser.name(ctx.pathParam("checkpoint"))).map(this::toJson)));
        router.put(BASE).handler(ctx -> responses.answer(ctx, BASE, () -> {
            String name = parser.name(ctx.pathParam("checkpoint"));
            CheckpointRequests.Save save = parser.save(Responses.body(ctx));
            return service.save(name, save.stateJson(), save.expectedVersion(), save.fencingToken()).map(this::toJson);
        }));
        router.post(BASE + "/restore").handler(ctx -> responses.answer(ctx, BASE + "/restore", () -> {
            String name = parser.name(ctx.pathParam("checkpoint"));
            return service.restore(name, parser.restore(Responses.body(ctx))).map(this::toJson);
        }));
    }

    @Override
    public Future<Void> ping() {
        return service.ping();
    }

    @Override
    public Future<Void> drain() {
        return Future.succeededFuture();
    }


    private ObjectNode toJson(StoredCheckpoint c) {
        ObjectNode node = responses.object().put("name", c.name()).put("version", c.version())
                .put("fencingToken", c.fence());
        if (c.stateJson() != null) {
            node.putRawValue("state", new RawValue(c.stateJson()));
        }
        return node.put("updatedAt", Instant.ofEpochMilli(c.updatedAtMs()).toString());
    }
}

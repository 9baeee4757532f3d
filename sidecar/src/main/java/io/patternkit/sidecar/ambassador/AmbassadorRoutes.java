package io.patternkit.sidecar.ambassador;

import io.patternkit.protocol.ProblemType;
import io.patternkit.sidecar.common.FieldError;
import io.patternkit.sidecar.common.ProblemException;
import io.patternkit.sidecar.host.Responses;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The ambassador's management routes on the host's port, behind its token: the upstreams' state
 * ({@code GET /v1/ambassador/upstreams}, one with {@code /{upstream}}) and which shard owns a key
 * ({@code GET /v1/ambassador/upstreams/{upstream}/owner?key=K}, in each version), so that an
 * operator can see where a key goes without sending it.
 */
final class AmbassadorRoutes {
    private static final ShardKey KEY = ShardKey.parse("query:key");
    private final Map<String, Upstream> upstreams;
    private final Responses responses;

    AmbassadorRoutes(Map<String, Upstream> upstreams, Responses responses) {
        this.upstreams = upstreams;
        this.responses = responses;
    }

    /** @param router the host's router, where {@code /v1} is behind the token */
    void mount(io.vertx.ext.web.Router router) {
        String all = "/v1/ambassador/upstreams";
        router.get(all).handler(ctx -> responses.answer(ctx, all, () -> {
            ObjectNode body = responses.object();
            ArrayNode list = body.putArray("upstreams");
            upstreams.values().forEach(u -> list.add(u.status(responses)));
            return Future.succeededFuture(body);
        }));
        String one = "/v1/ambassador/upstreams/:upstream";
        router.get(one).handler(ctx -> responses.answer(ctx, one, () -> Future.succeededFuture(upstream(ctx).status(responses))));
        String owner = "/v1/ambassador/upstreams/:upstream/owner";
        router.get(owner).handler(ctx -> responses.answer(ctx, owner, () -> Future.succeededFuture(owner(ctx))));
    }

    private ObjectNode owner(RoutingContext ctx) {
        Upstream upstream = upstream(ctx);
        Responses.query(ctx, "key"); // refuses a key given twice, as every route refuses a repeated parameter
        String key;
        try {
            key = KEY.of(ctx.request()).orElse(null); // decoded as strictly as the proxy decodes shard keys
        } catch (IllegalArgumentException malformed) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "the key is malformed: " + malformed.getMessage(),
                    List.of(new FieldError("key", "must be valid percent-encoding of UTF-8")));
        }
        if (key == null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "the key to look up is missing",
                    List.of(new FieldError("key", "a query parameter key=K is required")));
        }
        ObjectNode body = responses.object().put("upstream", upstream.name()).put("key", key);
        for (RoutingTable.Version version : upstream.table().versions()) {
            body.put(version.name(), version.owner(Optional.of(key)).orElseThrow().shard());
        }
        return body;
    }

    private Upstream upstream(RoutingContext ctx) {
        String name = ctx.pathParam("upstream");
        Upstream upstream = upstreams.get(name);
        if (upstream == null) {
            throw new ProblemException(ProblemType.NOT_FOUND, "no upstream is named " + name + "; known: " + upstreams.keySet());
        }
        return upstream;
    }
}

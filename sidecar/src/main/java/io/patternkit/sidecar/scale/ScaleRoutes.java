package io.patternkit.sidecar.scale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.patternkit.protocol.ProblemType;
import io.patternkit.sidecar.common.JsonFields;
import io.patternkit.sidecar.common.ProblemException;
import io.patternkit.sidecar.host.Responses;
import io.patternkit.sidecar.host.RunningPattern;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/scale} (the workload, its wanted and running replicas, the bounds) and {@code PUT /v1/scale}
 * with {@code {"replicas": n}}: sets the wanted replicas, clamped to {@code --scale-min}..{@code --scale-max}, and
 * answers what was set, what was asked and whether it was clamped (the bounds are the operator's, as a
 * HorizontalPodAutoscaler's are). Both answer 501 {@code not-implemented} while the pattern is off. The API
 * server is called on a worker thread.
 */
final class ScaleRoutes implements RunningPattern {
    static final String PATH = "/v1/scale";
    static final String REQUESTS = "patternkit.sidecar.scale.requests";
    private static final Logger LOG = LoggerFactory.getLogger(ScaleRoutes.class);
    private static final Set<String> FIELDS = Set.of("replicas");

    private final Vertx vertx;
    private final JsonMapper mapper;
    private final ScaleSettings settings;
    private final Optional<WorkloadScaler> scaler;
    private final MeterRegistry registry;
    private Responses responses;

    ScaleRoutes(Vertx vertx, JsonMapper mapper, ScaleSettings settings, Optional<WorkloadScaler> scaler,
            MeterRegistry registry) {
        this.vertx = vertx;
        this.mapper = mapper;
        this.settings = settings;
        this.scaler = scaler;
        this.registry = registry;
    }

    @Override
    public void mount(Router router, Responses responses, Handler<RoutingContext> auth) {
        this.responses = responses;
        router.get(PATH).handler(ctx -> responses.answer(ctx, PATH, () -> blocking(s -> toJson(s.read()))));
        router.put(PATH).handler(ctx -> responses.answer(ctx, PATH, () -> {
            int requested = parse(Responses.body(ctx));
            return blocking(s -> scale(s, requested));
        }));
    }

    private ObjectNode scale(WorkloadScaler s, int requested) {
        int max = settings.maxReplicas().orElseThrow();
        int applied = Math.max(settings.minReplicas(), Math.min(max, requested));
        WorkloadScaler.Change change = s.scaleTo(applied);
        WorkloadScaler.Replicas before = change.before();
        String outcome = applied != requested ? "clamped" : before.desired() == applied ? "unchanged" : "scaled";
        count(outcome);
        if (before.desired() != applied) {
            LOG.info("scaled {} from {} to {} replicas at its app's request (asked {})", before.workload(),
                    before.desired(), applied, requested);
        }
        return toJson(change.after()).put("requestedReplicas", requested).put("clamped", applied != requested);
    }

    private Future<ObjectNode> blocking(Function<WorkloadScaler, ObjectNode> work) {
        if (scaler.isEmpty()) {
            count("off");
            return Future.failedFuture(new ProblemException(ProblemType.NOT_IMPLEMENTED,
                    "replicate yourself is off: start the sidecar on Kubernetes with --scale-max N (and the RBAC of "
                            + "deploy/kubernetes/rbac.yaml)"));
        }
        return vertx.executeBlocking(() -> work.apply(scaler.get()), false);
    }

    private int parse(byte[] body) {
        JsonNode doc = JsonFields.parse(mapper, body);
        JsonFields fields = new JsonFields();
        Long replicas = null;
        if (fields.object(doc, "body", FIELDS)) {
            replicas = fields.integer(doc, "", "replicas", 0, 1000, null);
            if (!doc.has("replicas")) {
                fields.error("replicas", "is required");
            }
        }
        fields.throwIfInvalid();
        return replicas.intValue();
    }

    private ObjectNode toJson(WorkloadScaler.Replicas r) {
        ObjectNode node = responses.object();
        node.putObject("workload").put("kind", r.workload().kind()).put("name", r.workload().name())
                .put("namespace", r.workload().namespace());
        return node.put("replicas", r.desired()).put("currentReplicas", r.current())
                .put("minReplicas", settings.minReplicas()).put("maxReplicas", settings.maxReplicas().orElseThrow());
    }

    private void count(String outcome) {
        Counter.builder(REQUESTS).description("Requests to replicate yourself, by outcome")
                .tag("outcome", outcome).register(registry).increment();
    }

    @Override
    public Future<Void> ping() {
        return Future.succeededFuture(); // the API server's health is not this sidecar's readiness
    }

    @Override
    public Future<Void> drain() {
        return Future.succeededFuture();
    }

    @Override
    public void close() {
        scaler.ifPresent(WorkloadScaler::close);
    }
}

package io.patternkit.sidecar.leader;

import io.patternkit.sidecar.host.Responses;
import io.patternkit.sidecar.host.RunningPattern;
import io.patternkit.sidecar.leader.CampaignOutcome;
import io.patternkit.sidecar.leader.LeaderRequests;
import io.patternkit.sidecar.leader.LeaderService;
import io.patternkit.sidecar.leader.LeaderTiming;
import io.patternkit.sidecar.leader.Lease;
import io.patternkit.sidecar.leader.LeaseRecord;
import io.patternkit.sidecar.leader.Observation;
import io.patternkit.sidecar.leader.WatchRequest;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;
import tools.jackson.databind.node.ObjectNode;

/**
 * The leader-election routes of the OpenAPI contract: {@code GET /} (shaped like the Kubernetes
 * {@code leader-elector} sidecar, for the sidecar's default election) and
 * {@code /v1/elections/{election}[/campaign|/renew|/resign|/watch]}. Each validates its input with
 * {@link LeaderRequests}, calls {@link LeaderService} and maps the result to the wire.
 */
public final class LeaderRoutes implements RunningPattern {
    private static final String BASE = "/v1/elections/:election";

    private final LeaderService service;
    private final LeaderRequests parser;
    private final String defaultElection;
    private Responses responses;

    /**
     * @param service the leader service
     * @param parser the request validator
     * @param defaultElection the election {@code GET /} reports
     */
    public LeaderRoutes(LeaderService service, LeaderRequests parser, String defaultElection) {
        this.service = service;
        this.parser = parser;
        this.defaultElection = defaultElection;
    }

    /** Handles a validated election and body. */
    @FunctionalInterface
    private interface BodyRoute {
        Future<ObjectNode> handle(String election, tools.jackson.databind.JsonNode body);
    }

    @Override
    public void mount(Router router, Responses responses, Handler<RoutingContext> auth) {
        this.responses = responses;
        router.get("/").handler(auth).handler(ctx -> run(ctx, "/", () -> service.observe(defaultElection)
                .map(o -> responses.object().put("name", o.lease().leader().orElse("")))));
        router.post(BASE + "/campaign").handler(ctx -> run(ctx, BASE + "/campaign", () -> {
            String election = parser.election(ctx.pathParam("election"));
            LeaderRequests.Campaign campaign = parser.campaign(parser.parse(Responses.body(ctx)));
            Promise<Void> disconnected = Promise.promise();
            ctx.response().closeHandler(v -> disconnected.tryComplete());
            return service.campaign(election, campaign.candidateId(), campaign.waitMs(), disconnected.future())
                    .map(this::campaigned);
        }));
        post(router, BASE + "/renew", (election, body) -> {
            LeaderRequests.TermRequest request = parser.term(body);
            return service.renew(election, request.candidateId(), request.term()).map(this::lease);
        });
        post(router, BASE + "/resign", (election, body) -> {
            LeaderRequests.TermRequest request = parser.term(body);
            return service.resign(election, request.candidateId(), request.term())
                    .map(released -> responses.object().put("election", election).put("term", request.term())
                            .put("released", released));
        });
        router.get(BASE).handler(ctx -> run(ctx, BASE, () ->
                service.observe(parser.election(ctx.pathParam("election"))).map(this::observation)));
        router.get(BASE + "/watch").handler(ctx -> run(ctx, BASE + "/watch", () -> {
            String election = parser.election(ctx.pathParam("election"));
            WatchRequest request = parser.watch(election, name -> Responses.query(ctx, name));
            Promise<Void> disconnected = Promise.promise();
            ctx.response().closeHandler(v -> disconnected.tryComplete());
            return service.watch(request, disconnected.future()).map(this::observation);
        }));
    }

    @Override
    public Future<Void> ping() {
        return service.ping();
    }

    @Override
    public Future<Void> drain() {
        return service.drain();
    }

    private void post(Router router, String path, BodyRoute route) {
        router.post(path).handler(ctx -> run(ctx, path, () -> {
            String election = parser.election(ctx.pathParam("election"));
            return route.handle(election, parser.parse(Responses.body(ctx)));
        }));
    }

    private void run(RoutingContext ctx, String path, Supplier<Future<ObjectNode>> work) {
        responses.answer(ctx, path, work);
    }

    private ObjectNode campaigned(CampaignOutcome outcome) {
        ObjectNode node = responses.object().put("elected", outcome.elected());
        outcome.lease().ifPresent(l -> node.set("lease", lease(l)));
        node.set("observed", observation(new Observation(outcome.observed(), true)));
        return node;
    }

    private ObjectNode lease(Lease lease) {
        LeaderTiming timing = service.timing();
        return responses.object().put("election", lease.election()).put("candidateId", lease.candidate())
                .put("term", lease.term()).put("fencingToken", lease.term()).put("validForMs", lease.validFor().toMillis())
                .put("leaseDurationMs", timing.leaseDuration().toMillis())
                .put("renewDeadlineMs", timing.renewDeadline().toMillis())
                .put("retryPeriodMs", timing.retryPeriod().toMillis())
                .put("acquiredAt", lease.acquiredAt().toString());
    }

    private ObjectNode observation(Observation observation) {
        LeaseRecord lease = observation.lease();
        ObjectNode node = responses.object().put("election", lease.election());
        if (lease.holder() == null) {
            node.putNull("leaderId");
        } else {
            node.put("leaderId", lease.holder());
        }
        return node.put("term", lease.term()).put("fencingToken", lease.term())
                .put("validForMs", lease.remaining().toMillis())
                .put("leaseDurationMs", service.timing().leaseDuration().toMillis())
                .put("changed", observation.changed());
    }
}

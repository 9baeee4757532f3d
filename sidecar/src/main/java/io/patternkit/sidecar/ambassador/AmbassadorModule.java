package io.patternkit.sidecar.ambassador;

import io.patternkit.sidecar.common.JvmDns;
import io.patternkit.sidecar.host.HostContext;
import io.patternkit.sidecar.host.PatternModule;
import io.patternkit.sidecar.host.Responses;
import io.patternkit.sidecar.host.RunningPattern;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ambassador (Burns and Oppenheimer, section 4.2) as a module of the sidecar: the app calls each
 * upstream on a loopback port of its own with its plain HTTP client, and the ambassador routes the
 * request to the shard that owns its key (consistent hashing), a replica of that shard (power of two
 * choices), a canary version for a share of the traffic, with per-try and overall timeouts, retries
 * within a budget and outlier ejection. Proxying is Vert.x's {@code vertx-http-proxy}. Needs no engine.
 *
 * @param settings the ambassador's settings
 */
public record AmbassadorModule(AmbassadorSettings settings) implements PatternModule {
    /** The name {@code run --patterns} knows the ambassador by. */
    public static final String NAME = "ambassador";
    private static final Logger LOG = LoggerFactory.getLogger(AmbassadorModule.class);
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(5);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RunningPattern start(HostContext context) {
        Responses responses = new Responses(context.mapper());
        AmbassadorMetrics metrics = new AmbassadorMetrics(context.registry());
        Map<String, Upstream> upstreams = new LinkedHashMap<>();
        if (settings.config().upstreams().stream().anyMatch(UpstreamSpec::usesDns)) {
            JvmDns.followChangesEvery(settings.dnsInterval());
        }
        try {
            for (UpstreamSpec spec : settings.config().upstreams()) {
                Upstream upstream = Upstream.listen(spec, settings.ca(), context.directory(), context.vertx(), metrics, responses,
                                context.ticker())
                        .await(30, TimeUnit.SECONDS);
                upstreams.put(spec.name(), upstream);
                LOG.info("ambassador: upstream {} on {}:{}, {} shard(s){}", spec.name(), Upstream.LOOPBACK, upstream.port(),
                        spec.shards().size(), spec.canary().map(c -> ", canary " + c.percent() + "%").orElse(""));
            }
        } catch (Exception e) {
            upstreams.values().forEach(Upstream::close);
            throw new IllegalStateException(e.getMessage(), e);
        }
        Map<String, Upstream> live = Map.copyOf(upstreams);
        Vertx vertx = context.vertx();
        long reload = settings.file().map(file -> new ConfigReloader(file, settings.flagUpstreams(), live)
                .start(vertx, settings.reloadInterval().toMillis())).orElse(-1L);
        long dns = vertx.setPeriodic(settings.dnsInterval().toMillis(), id -> vertx.executeBlocking(() -> {
            for (Upstream upstream : live.values()) {
                try {
                    if (upstream.refresh()) {
                        LOG.info("ambassador: upstream {}: its dns+ or registry endpoints changed", upstream.name());
                    }
                } catch (RuntimeException e) {
                    LOG.warn("ambassador: upstream {}: DNS refresh failed, keeping its endpoints: {}", upstream.name(), e.toString());
                }
            }
            return null;
        }, true)); // ordered: a slow resolver delays the next refresh instead of stacking them
        return new Running(new AmbassadorRoutes(upstreams, responses), List.copyOf(upstreams.values()), () -> {
            vertx.cancelTimer(reload);
            vertx.cancelTimer(dns);
        });
    }

    /** The started ambassador: its management routes, its upstreams, and the reload and DNS timers it cancels. */
    private record Running(AmbassadorRoutes routes, List<Upstream> upstreams, Runnable stopReloading) implements RunningPattern {
        @Override
        public void mount(Router router, Responses responses, Handler<RoutingContext> auth) {
            routes.mount(router);
        }

        /** Ready once every upstream listens: the upstreams' own health is theirs, not the sidecar's. */
        @Override
        public Future<Void> ping() {
            return Future.succeededFuture();
        }

        /** The app has finished its drain: stop taking its requests, answering those under way. */
        @Override
        public Future<Void> drain() {
            stopReloading.run();
            List<Future<Void>> closed = new ArrayList<>();
            upstreams.forEach(u -> closed.add(u.shutdown(DRAIN_GRACE)));
            return Future.join(closed).mapEmpty();
        }

        @Override
        public void close() {
            stopReloading.run();
            upstreams.forEach(Upstream::close);
        }
    }
}

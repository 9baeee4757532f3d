package io.patternkit.sidecar.scatter;

import io.patternkit.sidecar.common.JvmDns;
import io.patternkit.sidecar.host.HostContext;
import io.patternkit.sidecar.host.InstanceDirectory;
import io.patternkit.sidecar.host.PatternModule;
import io.patternkit.sidecar.host.Responses;
import io.patternkit.sidecar.host.RunningPattern;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Scatter/gather as a module of the sidecar: the root that keeps the leaf registry (registrations
 * with a TTL, static leaves, DNS discovery), fans calls out with deadlines, completion policies and
 * hedged requests, and serves {@code /v1/pools/...}. Needs no engine: registrations live in memory.
 *
 * @param settings scatter/gather's settings
 */
public record ScatterModule(ScatterSettings settings) implements PatternModule {
    /** The name {@code run --patterns} knows scatter/gather by. */
    public static final String NAME = "scatter";
    private static final long PURGE_MS = 5_000;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RunningPattern start(HostContext context) {
        if (!settings.dnsLeaves().isEmpty()) {
            JvmDns.followChangesEvery(settings.dnsInterval()); // --dns-leaves must see pods come and go
        }
        LeafRegistry leaves = new LeafRegistry(context.ticker());
        settings.staticLeaves().forEach(leaves::addStatic);
        VertxTaskScheduler scheduler = new VertxTaskScheduler(context.vertx());
        VertxJsonPoster poster = new VertxJsonPoster(context.vertx(), settings.maxResponseBytes(), settings.maxConnectionsPerLeaf(),
                settings.leafConnectTimeout(), settings.leafTls());
        ScatterEngine engine = new ScatterEngine(scheduler, poster, new ScatterMetrics(context.registry()), context.token(),
                settings.engine());
        ScatterRoutes routes = new ScatterRoutes(leaves, engine,
                new ScatterRequestParser(context.mapper(), settings.defaultDeadline()),
                new MergeClient(poster, scheduler, context.token(), context.mapper()), context.mapper());
        context.vertx().setPeriodic(PURGE_MS, t -> leaves.purgeLapsed());
        DnsDiscovery dns = new DnsDiscovery(context.vertx(), leaves, settings.dnsLeaves(), context.token(),
                settings.leafTls());
        try {
            dns.start(settings.dnsInterval()).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            dns.close();
            poster.close();
            throw new IllegalStateException("cannot start DNS discovery: " + e.getMessage(), e);
        }
        InstanceDirectory.Source published = pool -> {
            SortedMap<String, List<URI>> byShard = new TreeMap<>();
            leaves.shards(pool).forEach((shard, list) -> byShard.put(shard, list.stream().map(l -> URI.create(l.url())).toList()));
            return byShard;
        };
        context.directory().publish(published); // the ambassador's registry:// endpoints
        return new Running(routes, dns, poster, () -> context.directory().withdraw(published));
    }

    /** The started root: its routes, and the discovery and leaf client it closes. */
    private record Running(ScatterRoutes routes, DnsDiscovery dns, VertxJsonPoster poster, Runnable withdraw) implements RunningPattern {
        @Override
        public void mount(Router router, Responses responses, Handler<RoutingContext> auth) {
            routes.mount(router, responses, auth);
        }

        @Override
        public Future<Void> ping() {
            return routes.ping();
        }

        @Override
        public Future<Void> drain() {
            return routes.drain();
        }

        /** Outstanding leaf requests are dropped with their connections. */
        @Override
        public void close() {
            withdraw.run();
            dns.close();
            poster.close();
        }
    }
}

package io.patternkit.spring.scatter;

import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.management.EndpointHost;
import io.patternkit.management.ManagementServer;
import io.patternkit.protocol.NameRule;
import io.patternkit.scatter.ScatterClient;
import io.patternkit.scatter.ScatterLeaf;
import io.patternkit.spring.AnnotatedMethods;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;

/**
 * Serves the context's {@link ScatterLeafHandler} methods as leaves: checks every method's shape and attributes once
 * all singletons exist (so that a wrong one fails the start-up naming it), then, when the context starts, mounts
 * them on the application's own web server (an {@link EndpointHost} bean other than a {@link ManagementServer}: the
 * starter's Spring MVC or WebFlux host, once that server has started), else on the application's
 * {@link ManagementServer}, else on one of its own (from {@code patternkit.scatter.server.*} and the
 * {@code PATTERNKIT_MANAGEMENT_*} environment; also in a mock web environment, where no web server listens), and
 * registers them with the root sidecar. When the context stops they leave their pools; with a {@link Lifecycle} they leave within its drain
 * ({@link io.patternkit.lifecycle.DrainPhase#LEAVE_POOLS}), which runs first. With a {@link LeafTarget} bean (the
 * fakes' in-memory scatter) they are served there instead.
 */
public final class ScatterLeafContainer implements SmartLifecycle, SmartInitializingSingleton {
    /** The phase of this bean: started before, and stopped after, the lifecycle's drain. */
    public static final int PHASE = Integer.MAX_VALUE - 200;
    private static final Logger log = LoggerFactory.getLogger(ScatterLeafContainer.class);

    private final ScatterLeafHandlerAnnotationProcessor processor;
    private final ObjectProvider<ScatterClient> client;
    private final ObjectProvider<EndpointHost> hosts;
    private final ObjectProvider<Lifecycle> lifecycle;
    private final ObjectProvider<LeafTarget> target;
    private final Environment environment;
    private final LeafSettings settings;
    private final List<Planned> planned = new ArrayList<>();
    private final List<ScatterLeaf> leaves = new ArrayList<>();
    private final List<AutoCloseable> served = new ArrayList<>();
    private ManagementServer ownServer;
    private volatile boolean running;

    /**
     * What the container needs beyond the annotations.
     *
     * @param shard the shard of methods that name none, or null
     * @param ttl the registrations' time to live
     * @param register whether the leaves register with the root (false when the root finds them by DNS)
     * @param serverHost the host of the container's own management server, or null for the environment's
     * @param serverPort the port of the container's own management server, or null for the environment's
     */
    public record LeafSettings(String shard, Duration ttl, boolean register, String serverHost, Integer serverPort) {
    }

    /**
     * @param processor finds the annotated methods
     * @param client the root sidecar's client, for registration
     * @param hosts where the application serves endpoints: its web server's host, its management server, if any
     * @param lifecycle the application's lifecycle, if it has one
     * @param target where the methods are served instead, if anywhere (the fakes' in-memory scatter)
     * @param environment resolves {@code ${...}} in the annotations
     * @param settings the leaves' settings
     */
    public ScatterLeafContainer(ScatterLeafHandlerAnnotationProcessor processor, ObjectProvider<ScatterClient> client,
            ObjectProvider<EndpointHost> hosts, ObjectProvider<Lifecycle> lifecycle, ObjectProvider<LeafTarget> target,
            Environment environment, LeafSettings settings) {
        this.processor = Objects.requireNonNull(processor, "processor");
        this.client = client;
        this.hosts = hosts;
        this.lifecycle = lifecycle;
        this.target = target;
        this.environment = environment;
        this.settings = settings;
    }

    /**
     * Checks every annotated method and its attributes.
     *
     * @throws IllegalStateException naming the method and the attribute or property when one is wrong
     */
    @Override
    public void afterSingletonsInstantiated() {
        for (AnnotatedMethods.Found<ScatterLeafHandler> found : processor.found()) {
            ScatterLeafHandler a = found.annotation();
            String pool = found.resolve(environment, "pool", a.pool());
            String shard = a.shard().isEmpty() ? settings.shard() : found.resolve(environment, "shard", a.shard());
            if (shard == null || shard.isBlank()) {
                throw new IllegalStateException("@ScatterLeafHandler " + found.id() + " names no shard: set its shard"
                        + " attribute or patternkit.scatter.leaf.shard");
            }
            String leafId = a.leafId().isEmpty() ? null : found.resolve(environment, "leafId", a.leafId());
            found.require(NameRule.POOL.matches(pool), "pool '" + pool + "': " + NameRule.POOL.requirement());
            found.require(NameRule.SHARD.matches(shard), "shard '" + shard + "': " + NameRule.SHARD.requirement());
            found.require(leafId == null || NameRule.LEAF_ID.matches(leafId), "leafId '" + leafId + "': "
                    + NameRule.LEAF_ID.requirement());
            planned.stream().filter(p -> p.pool().equals(pool)).findFirst().ifPresent(other -> found.require(false,
                    "pool " + pool + " is served by " + other.id() + " already; one method serves a pool"));
            planned.add(new Planned(found.id(), pool, shard, leafId, LeafMethod.of(found.id(), found.bean(), found.method())));
        }
        if (!planned.isEmpty() && target.getIfAvailable() == null && client.getIfAvailable() == null) {
            throw new IllegalStateException("@ScatterLeafHandler " + planned.get(0).id() + " needs a ScatterClient bean (the"
                    + " root sidecar's client) to register with; the application replaced it with a ScatterGather of its own");
        }
    }

    @Override
    public void start() {
        if (planned.isEmpty()) {
            running = true;
            return;
        }
        LeafTarget elsewhere = target.getIfAvailable();
        if (elsewhere != null) {
            for (Planned p : planned) {
                served.add(elsewhere.serve(p.pool(), p.shard(), p.handler().requestType(), p.handler()));
                log.info("@ScatterLeafHandler {} serves shard {} of pool {} on {}", p.id(), p.shard(), p.pool(), elsewhere);
            }
            running = true;
            return;
        }
        try {
            serve();
        } catch (RuntimeException e) {
            stop(); // the leaves already registered leave, the server started for them closes
            throw e;
        }
        running = true;
    }

    private void serve() {
        EndpointHost server = host();
        if (server == null) {
            ManagementServer.Builder builder = ManagementServer.builder().fromEnvironment();
            if (settings.serverHost() != null) {
                builder.host(settings.serverHost());
            }
            if (settings.serverPort() != null) {
                builder.port(settings.serverPort());
            }
            ownServer = builder.build().start();
            server = ownServer;
        }
        for (Planned p : planned) {
            ScatterLeaf.Builder builder = ScatterLeaf.builder(client.getObject(), server).pool(p.pool()).shard(p.shard())
                    .ttl(settings.ttl()).register(settings.register()).handler(p.handler().requestType(), p.handler());
            if (p.leafId() != null) {
                builder.leafId(p.leafId());
            }
            lifecycle.ifAvailable(builder::lifecycle);
            ScatterLeaf leaf = builder.start();
            leaves.add(leaf);
            log.info("@ScatterLeafHandler {} serves shard {} of pool {} at {}", p.id(), leaf.shard(), leaf.pool(), leaf.url());
        }
    }

    /** @return the web server's host when it is serving, else the application's management server, else null */
    private EndpointHost host() {
        EndpointHost web = hosts.orderedStream().filter(h -> !(h instanceof ManagementServer)).findFirst().orElse(null);
        if (web != null && web.isRunning()) {
            return web;
        }
        if (web != null) {
            log.info("{} is not serving (no web server listens, as in a mock web environment): the leaves go on a"
                    + " management server", web);
        }
        return hosts.orderedStream().filter(ManagementServer.class::isInstance).findFirst().orElse(null);
    }

    @Override
    public void stop() {
        for (int i = leaves.size() - 1; i >= 0; i--) {
            leaves.get(i).close(); // leaves the pool; a no-op when the lifecycle's drain did it first
        }
        leaves.clear();
        for (AutoCloseable s : served) {
            try {
                s.close();
            } catch (Exception e) {
                log.warn("stopping a leaf failed: {}", e.toString());
            }
        }
        served.clear();
        if (ownServer != null) {
            ownServer.close();
            ownServer = null;
        }
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** @return each served leaf: pool, shard, leaf id, URL, whether registered */
    public List<Map<String, Object>> leaves() {
        List<Map<String, Object>> described = new ArrayList<>();
        for (ScatterLeaf leaf : List.copyOf(leaves)) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("pool", leaf.pool());
            d.put("shard", leaf.shard());
            d.put("leafId", leaf.leafId());
            d.put("url", leaf.url().toString());
            d.put("registered", leaf.isRegistered());
            described.add(d);
        }
        return described;
    }

    /** One checked method, to be served. */
    private record Planned(String id, String pool, String shard, String leafId, LeafMethod handler) {
    }
}

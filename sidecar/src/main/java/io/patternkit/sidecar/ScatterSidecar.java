package io.patternkit.sidecar;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.patternkit.sidecar.http.SidecarServer;
import io.patternkit.sidecar.scatter.DnsDiscovery;
import io.patternkit.sidecar.scatter.LeafRegistry;
import io.patternkit.sidecar.scatter.MergeClient;
import io.patternkit.sidecar.scatter.ScatterEngine;
import io.patternkit.sidecar.scatter.ScatterMetrics;
import io.patternkit.sidecar.scatter.ScatterRequestParser;
import io.patternkit.sidecar.scatter.ScatterRoutes;
import io.patternkit.sidecar.scatter.VertxJsonPoster;
import io.patternkit.sidecar.scatter.VertxTaskScheduler;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running scatter/gather root sidecar: leaf registry, DNS discovery, scatter engine and HTTP
 * server wired together. Used by the command line and by in-process tests; close it (or
 * {@link #drainAndClose()}) to stop.
 */
public final class ScatterSidecar implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScatterSidecar.class);
    private static final long PURGE_MS = 5_000;

    private final ScatterSettings settings;
    private final Vertx vertx;
    private final SidecarServer server;
    private final DnsDiscovery dns;
    private final VertxJsonPoster poster;
    private final int port;

    private ScatterSidecar(ScatterSettings settings, Vertx vertx, SidecarServer server, DnsDiscovery dns,
                           VertxJsonPoster poster, int port) {
        this.settings = settings;
        this.vertx = vertx;
        this.server = server;
        this.dns = dns;
        this.poster = poster;
        this.port = port;
    }

    /**
     * Starts listening; logs {@code patternkit-sidecar listening on http://HOST:PORT}.
     *
     * @param settings the configuration
     * @param registrationClock the monotonic clock leaf registrations lapse on, in nanoseconds
     *     ({@link System#nanoTime()} outside tests)
     * @return the running sidecar
     * @throws IllegalStateException when the port cannot be bound
     */
    public static ScatterSidecar start(ScatterSettings settings, LongSupplier registrationClock) {
        Vertx vertx = Vertx.vertx();
        try {
            ObjectMapper mapper = new ObjectMapper();
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            LeafRegistry leaves = new LeafRegistry(registrationClock);
            settings.staticLeaves().forEach(leaves::addStatic);
            VertxTaskScheduler scheduler = new VertxTaskScheduler(vertx);
            VertxJsonPoster poster = new VertxJsonPoster(vertx, settings.maxResponseBytes(), settings.maxConnectionsPerLeaf());
            ScatterEngine engine = new ScatterEngine(scheduler, poster, new ScatterMetrics(registry), settings.token(),
                    settings.engine());
            ScatterRoutes routes = new ScatterRoutes(leaves, engine, new ScatterRequestParser(mapper, settings.defaultDeadline()),
                    new MergeClient(poster, scheduler, settings.token(), mapper), mapper);
            SidecarServer server = new SidecarServer(vertx, routes, mapper, registry, settings.token(), settings.maxBodyBytes());
            vertx.setPeriodic(PURGE_MS, t -> leaves.purgeLapsed());
            DnsDiscovery dns = new DnsDiscovery(vertx, leaves, settings.dnsLeaves(), settings.token());
            dns.start(settings.dnsInterval()).await(30, TimeUnit.SECONDS);
            int port = server.start(settings.bind(), settings.port()).await(30, TimeUnit.SECONDS);
            LOG.info("patternkit-sidecar listening on http://{}:{}", settings.bind(), port);
            return new ScatterSidecar(settings, vertx, server, dns, poster, port);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("cannot start the scatter sidecar: " + e.getMessage(), e);
        }
    }

    /** @return the port the server listens on (the actual one when 0 was asked for) */
    public int port() {
        return port;
    }

    /**
     * Drains within the drain timeout, then closes. Blocks until done. Readiness turns 503 at
     * once, new connections are refused and in-flight scatter calls get what remains of the
     * timeout (each ends by its own deadline).
     */
    public void drainAndClose() {
        LOG.info("draining for up to {} ms", settings.drainTimeout().toMillis());
        try {
            server.drain(settings.drainTimeout()).await(settings.drainTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("drain did not finish cleanly: {}", e.getMessage());
        }
        close();
    }

    /** Closes at once: outstanding leaf requests are dropped with their connections. Never throws. */
    @Override
    public void close() {
        dns.close();
        poster.close();
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("closing Vert.x failed: {}", e.getMessage());
        }
        LOG.info("patternkit-sidecar stopped");
    }
}

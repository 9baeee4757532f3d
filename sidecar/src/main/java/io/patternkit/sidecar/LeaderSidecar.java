package io.patternkit.sidecar;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.patternkit.sidecar.engine.kubernetes.KubernetesLeaseEngine;
import io.patternkit.sidecar.engine.postgres.PostgresLeaseEngine;
import io.patternkit.sidecar.engine.sqlite.SqliteLeaseEngine;
import io.patternkit.sidecar.http.LeaderRoutes;
import io.patternkit.sidecar.http.SidecarServer;
import io.patternkit.sidecar.leader.LeaderMetrics;
import io.patternkit.sidecar.leader.LeaderRequests;
import io.patternkit.sidecar.leader.LeaderService;
import io.patternkit.sidecar.leader.LeaseEngine;
import io.patternkit.sidecar.leader.Ticker;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running leader-election sidecar: engine, service and HTTP server wired together, and, with
 * {@code --id}, the sidecar's own continuous campaign. Used by the command line and by in-process
 * tests; close it (or {@link #drainAndClose()}) to stop.
 */
public final class LeaderSidecar implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderSidecar.class);

    private final LeaderSettings settings;
    private final Vertx vertx;
    private final LeaseEngine engine;
    private final SidecarServer server;
    private final int port;

    private LeaderSidecar(LeaderSettings settings, Vertx vertx, LeaseEngine engine, SidecarServer server, int port) {
        this.settings = settings;
        this.vertx = vertx;
        this.engine = engine;
        this.server = server;
        this.port = port;
    }

    /**
     * Opens the engine the settings name and starts listening; logs
     * {@code patternkit-sidecar listening on http://HOST:PORT}.
     *
     * @param settings the configuration
     * @return the running sidecar
     * @throws io.patternkit.sidecar.workqueue.EngineException when the engine cannot be opened
     * @throws IllegalStateException when the port cannot be bound
     */
    public static LeaderSidecar start(LeaderSettings settings) {
        LeaseEngine engine = switch (settings.engine()) {
            case POSTGRES -> PostgresLeaseEngine.open(settings.jdbcUrl(), settings.jdbcPassword());
            case KUBERNETES -> KubernetesLeaseEngine.connect(settings.kubeMaster(), settings.namespace(), Ticker.system());
            case SQLITE -> SqliteLeaseEngine.open(settings.dataDir().resolve("patternkit.db"), Clock.systemUTC());
        };
        return serve(settings, engine, Ticker.system());
    }

    /**
     * Serves an already open engine (whose engine-related settings are then ignored); the sidecar
     * closes it on {@link #close()}. Logs {@code patternkit-sidecar listening on http://HOST:PORT}.
     *
     * @param settings the configuration
     * @param engine the open engine, never null
     * @param ticker the monotonic clock validity is kept on
     * @return the running sidecar
     * @throws IllegalStateException when the port cannot be bound (the engine is then closed)
     */
    public static LeaderSidecar serve(LeaderSettings settings, LeaseEngine engine, Ticker ticker) {
        Vertx vertx = Vertx.vertx();
        try {
            ObjectMapper mapper = new ObjectMapper();
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            LeaderService service = new LeaderService(vertx, engine, settings.timing(), ticker, new LeaderMetrics(registry));
            LeaderRoutes routes = new LeaderRoutes(service, new LeaderRequests(mapper), settings.election());
            SidecarServer server = new SidecarServer(vertx, routes, mapper, registry, settings.token(), settings.maxBodyBytes());
            int port = server.start(settings.bind(), settings.port()).await(30, TimeUnit.SECONDS);
            LOG.info("patternkit-sidecar listening on http://{}:{}", settings.bind(), port);
            settings.id().ifPresent(id -> {
                service.campaignContinuously(settings.election(), id);
                LOG.info("campaigning in election {} as {}", settings.election(), id);
            });
            return new LeaderSidecar(settings, vertx, engine, server, port);
        } catch (Exception e) {
            vertx.close();
            engine.close();
            throw new IllegalStateException("cannot start the leader sidecar: " + e.getMessage(), e);
        }
    }

    /** @return the port the server listens on (the actual one when 0 was asked for) */
    public int port() {
        return port;
    }

    /**
     * Drains within the drain timeout, then closes the engine and Vert.x. Blocks until done.
     * Readiness turns 503 at once; waiting campaigns and watches are answered; every lease held
     * through this sidecar is released, so successors take over without waiting for expiry.
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

    /** Closes at once, without releasing leases (they expire): Vert.x, then the engine. Never throws. */
    @Override
    public void close() {
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("closing Vert.x failed: {}", e.getMessage());
        }
        engine.close();
        LOG.info("patternkit-sidecar stopped");
    }
}

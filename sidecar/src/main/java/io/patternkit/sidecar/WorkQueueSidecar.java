package io.patternkit.sidecar;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.patternkit.sidecar.engine.postgres.PostgresQueueEngine;
import io.patternkit.sidecar.engine.sqlite.SqliteQueueEngine;
import io.patternkit.sidecar.http.SidecarServer;
import io.patternkit.sidecar.workqueue.Backoff;
import io.patternkit.sidecar.workqueue.QueueEngine;
import io.patternkit.sidecar.workqueue.RequestParser;
import io.patternkit.sidecar.workqueue.WorkQueueMetrics;
import io.patternkit.sidecar.workqueue.WorkQueueService;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running work-queue sidecar: engine, service and HTTP server wired together. Used by the
 * command line and by in-process tests; close it (or {@link #drainAndClose()}) to stop.
 */
public final class WorkQueueSidecar implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkQueueSidecar.class);

    private final WorkQueueSettings settings;
    private final Vertx vertx;
    private final QueueEngine engine;
    private final SidecarServer server;
    private final int port;

    private WorkQueueSidecar(WorkQueueSettings settings, Vertx vertx, QueueEngine engine, SidecarServer server, int port) {
        this.settings = settings;
        this.vertx = vertx;
        this.engine = engine;
        this.server = server;
        this.port = port;
    }

    /**
     * Opens the engine and starts listening; logs {@code patternkit-sidecar listening on http://HOST:PORT}.
     *
     * @param settings the configuration
     * @param clock the SQLite engine's clock (PostgreSQL uses the server's)
     * @return the running sidecar
     * @throws io.patternkit.sidecar.workqueue.EngineException when the engine cannot be opened
     * @throws IllegalStateException when the port cannot be bound
     */
    public static WorkQueueSidecar start(WorkQueueSettings settings, Clock clock) {
        Backoff backoff = new Backoff(settings.backoffBase().toMillis(), settings.backoffMax().toMillis());
        QueueEngine engine = settings.engine() == WorkQueueSettings.EngineKind.POSTGRES
                ? PostgresQueueEngine.open(settings.jdbcUrl(), settings.jdbcPassword(), backoff)
                : SqliteQueueEngine.open(settings.dataDir().resolve("patternkit.db"), clock, backoff);
        return serve(settings, engine);
    }

    /**
     * Serves an already open engine (whose engine-related settings are then ignored); the sidecar
     * closes it on {@link #close()}. Logs {@code patternkit-sidecar listening on http://HOST:PORT}.
     *
     * @param settings the configuration
     * @param engine the open engine, never null
     * @return the running sidecar
     * @throws IllegalStateException when the port cannot be bound (the engine is then closed)
     */
    public static WorkQueueSidecar serve(WorkQueueSettings settings, QueueEngine engine) {
        Vertx vertx = Vertx.vertx();
        try {
            ObjectMapper mapper = new ObjectMapper();
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            WorkQueueService service = new WorkQueueService(vertx, engine, new WorkQueueMetrics(registry));
            service.startPurging(settings.dedupWindow().toMillis());
            RequestParser parser = new RequestParser(mapper, settings.maxItemBytes(), settings.defaultMaxAttempts());
            SidecarServer server = new SidecarServer(vertx, service, parser, mapper, registry, settings.token(),
                    settings.maxBodyBytes());
            int port = server.start(settings.bind(), settings.port()).await(30, TimeUnit.SECONDS);
            LOG.info("patternkit-sidecar listening on http://{}:{}", settings.bind(), port);
            return new WorkQueueSidecar(settings, vertx, engine, server, port);
        } catch (Exception e) {
            vertx.close();
            engine.close();
            throw new IllegalStateException("cannot start the work-queue sidecar: " + e.getMessage(), e);
        }
    }

    /** @return the port the server listens on (the actual one when 0 was asked for) */
    public int port() {
        return port;
    }

    /**
     * Drains (readiness 503, long-polls answered, in-flight requests finished within the drain
     * timeout), then closes the engine and Vert.x. Blocks until done.
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

    /** Closes Vert.x (and with it the server) and the engine at once, without draining. Never throws. */
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

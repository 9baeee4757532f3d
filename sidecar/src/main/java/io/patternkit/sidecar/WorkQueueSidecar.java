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
import io.patternkit.sidecar.workqueue.exec.CommandRunner;
import io.patternkit.sidecar.workqueue.exec.ExecConsumer;
import io.patternkit.sidecar.workqueue.exec.ExecMetrics;
import io.patternkit.sidecar.workqueue.exec.ExecSettings;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running work-queue sidecar: engine, service and HTTP server wired together, and, when
 * configured, the {@link ExecConsumer} that runs a command per item. Used by the command line and
 * by in-process tests; close it (or {@link #drainAndClose()}) to stop.
 */
public final class WorkQueueSidecar implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkQueueSidecar.class);
    /** How often lapsed last attempts are dead-lettered and the queue-depth gauges refreshed. */
    private static final long HOUSEKEEPING_MS = 2_000;

    private final WorkQueueSettings settings;
    private final Vertx vertx;
    private final QueueEngine engine;
    private final SidecarServer server;
    private final int port;
    private final Optional<ExecConsumer> exec;

    private WorkQueueSidecar(WorkQueueSettings settings, Vertx vertx, QueueEngine engine, SidecarServer server, int port,
                             Optional<ExecConsumer> exec) {
        this.settings = settings;
        this.vertx = vertx;
        this.engine = engine;
        this.server = server;
        this.port = port;
        this.exec = exec;
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
            service.startHousekeeping(HOUSEKEEPING_MS);
            RequestParser parser = new RequestParser(mapper, settings.maxItemBytes(), settings.defaultMaxAttempts());
            SidecarServer server = new SidecarServer(vertx, service, parser, mapper, registry, settings.token(),
                    settings.maxBodyBytes());
            int port = server.start(settings.bind(), settings.port()).await(30, TimeUnit.SECONDS);
            LOG.info("patternkit-sidecar listening on http://{}:{}", settings.bind(), port);
            Optional<ExecConsumer> exec = settings.exec().map(e -> startExec(e, service, registry));
            return new WorkQueueSidecar(settings, vertx, engine, server, port, exec);
        } catch (Exception e) {
            vertx.close();
            engine.close();
            throw new IllegalStateException("cannot start the work-queue sidecar: " + e.getMessage(), e);
        }
    }

    private static ExecConsumer startExec(ExecSettings exec, WorkQueueService service, PrometheusMeterRegistry registry) {
        ExecConsumer consumer = new ExecConsumer(service, exec, new ExecMetrics(registry, exec.queue()),
                new CommandRunner(exec.killGrace()));
        consumer.start();
        // The program only: arguments may carry secrets.
        LOG.info("running {} for each item of queue {}, {} at a time, timeout {} ms", exec.command().get(0), exec.queue(),
                exec.concurrency(), exec.timeout().toMillis());
        return consumer;
    }

    /** @return the port the server listens on (the actual one when 0 was asked for) */
    public int port() {
        return port;
    }

    /**
     * Drains within the drain timeout, then closes the engine and Vert.x. Blocks until done.
     * Readiness turns 503 at once; the command runner, if any, stops claiming and waits for its
     * running commands (which may still call the HTTP API), killing and releasing those left at
     * the deadline; then long-polls are answered and in-flight requests get what remains of the
     * timeout.
     */
    public void drainAndClose() {
        LOG.info("draining for up to {} ms", settings.drainTimeout().toMillis());
        long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
        server.markDraining();
        exec.ifPresent(e -> e.drain(settings.drainTimeout()));
        Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        try {
            server.drain(left).await(left.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("drain did not finish cleanly: {}", e.getMessage());
        }
        close();
    }

    /**
     * Closes at once, without draining: running commands are killed and their items released,
     * then Vert.x (and with it the server) and the engine are closed. Never throws.
     */
    @Override
    public void close() {
        exec.ifPresent(ExecConsumer::close);
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("closing Vert.x failed: {}", e.getMessage());
        }
        engine.close();
        LOG.info("patternkit-sidecar stopped");
    }
}

package io.patternkit.sidecar.host;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.patternkit.server.security.Loopback;
import io.patternkit.sidecar.common.JsonMappers;
import io.patternkit.sidecar.common.Ticker;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * A running sidecar process: one Vert.x, one engine, one metrics registry and one HTTP server for
 * every pattern it serves, started from a list of {@link PatternModule}s, the way Dapr runs one
 * {@code daprd} per app. Used by every command of the executable and by in-process tests; call
 * {@link #drainAndClose()} (SIGTERM) or {@link #close()} to stop.
 */
public final class SidecarHost implements AutoCloseable {
    /** How long the app may have no connection open before it counts as gone (a curl-style app reconnects). */
    static final Duration APP_QUIET = Duration.ofMillis(250);
    private static final Logger LOG = LoggerFactory.getLogger(SidecarHost.class);

    private final HostSettings settings;
    private final Vertx vertx;
    private final EngineFamily engines;
    private final List<RunningPattern> patterns;
    private final SidecarServer server;
    private final int port;

    private SidecarHost(HostSettings settings, Vertx vertx, EngineFamily engines, List<RunningPattern> patterns,
                        SidecarServer server, int port) {
        this.settings = settings;
        this.vertx = vertx;
        this.engines = engines;
        this.patterns = patterns;
        this.server = server;
        this.port = port;
    }

    /**
     * Starts every module on the engine, then listens; logs
     * {@code patternkit-sidecar listening on http://HOST:PORT (PATTERNS)}. The host owns the engine
     * from here on and closes it on {@link #close()}, also when starting fails.
     *
     * @param settings the host's configuration
     * @param engines the engine the patterns store their state in ({@link EngineFamily#none()} when none needs one)
     * @param modules the patterns to serve, at least one, each once
     * @param ticker the monotonic clock handed to every pattern ({@link Ticker#system()} outside tests)
     * @return the running host
     * @throws IllegalArgumentException when no module is given, or the engine does not serve one of them
     * @throws IllegalStateException when a pattern cannot start or the port cannot be bound
     */
    public static SidecarHost start(HostSettings settings, EngineFamily engines, List<PatternModule> modules, Ticker ticker) {
        if (modules.isEmpty()) {
            engines.close();
            throw new IllegalArgumentException("the sidecar needs at least one pattern");
        }
        Vertx vertx = Vertx.vertx();
        List<RunningPattern> started = new ArrayList<>();
        String names = String.join(",", modules.stream().map(PatternModule::name).toList());
        try {
            JsonMapper mapper = JsonMappers.standard();
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            HostContext context = new HostContext(vertx, registry, mapper, settings.outboundToken(), ticker, engines,
                    new InstanceDirectory());
            for (PatternModule module : modules) {
                started.add(module.start(context));
            }
            SidecarServer server = new SidecarServer(vertx, started, mapper, registry, settings);
            int port = server.start(settings).await(30, TimeUnit.SECONDS);
            LOG.info("patternkit-sidecar listening on {}://{}:{} ({})", settings.scheme(), settings.bind(), port, names);
            if (settings.token().isEmpty() && !Loopback.isLoopbackHost(settings.bind())) {
                LOG.warn("patternkit-sidecar on {} without an API token: whoever reaches that address can call every "
                        + "pattern's API; set PATTERNKIT_API_TOKEN (or its _FILE), docs/operations.md", settings.bind());
            }
            return new SidecarHost(settings, vertx, engines, List.copyOf(started), server, port);
        } catch (IllegalArgumentException e) {
            stop(started, vertx, engines);
            throw e;
        } catch (Exception e) {
            stop(started, vertx, engines);
            throw new IllegalStateException("cannot start the " + names + " sidecar: " + e.getMessage(), e);
        }
    }

    /**
     * Runs until the JVM shuts down (SIGTERM, SIGINT), then drains and closes; for the executable.
     *
     * @throws InterruptedException when the calling thread is interrupted while waiting
     */
    public void serveUntilShutdown() throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            drainAfterApp();
            stopped.countDown();
        }, "patternkit-shutdown"));
        stopped.await();
    }

    /** @return the port the server listens on (the actual one when 0 was asked for) */
    public int port() {
        return port;
    }

    /**
     * What SIGTERM does: readiness turns 503, the sidecar keeps serving the app beside it until the app
     * has closed its connections (it drained and exited, or closed its clients at the end of its drain)
     * or the app drain timeout has passed, and then {@link #drainAndClose() drains itself}. Kubernetes
     * sends SIGTERM to the app and to a plain sidecar container at the same moment; without this wait a
     * sidecar that stops first makes its app's last acks, releases and resignations fail. (A Kubernetes
     * native sidecar, an init container with {@code restartPolicy: Always}, is signalled only after its
     * app has exited, and then drains at once.) Blocks until done.
     */
    public void drainAfterApp() {
        Duration timeout = settings.appDrainTimeout();
        if (!timeout.isZero()) {
            server.markDraining();
            long start = System.nanoTime();
            LOG.info("termination notice: serving the app beside the sidecar ({} connections open) until it has "
                    + "closed them, for at most {} ms", server.appConnectionsOpen(), timeout.toMillis());
            boolean gone;
            try {
                server.appGone(APP_QUIET).toCompletionStage().toCompletableFuture()
                        .get(timeout.toNanos(), TimeUnit.NANOSECONDS);
                gone = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                gone = false;
            } catch (ExecutionException | TimeoutException e) {
                gone = false;
            }
            long waitedMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
            if (gone) {
                LOG.info("the app closed its connections after {} ms", waitedMs);
            } else {
                LOG.warn("the app still had {} connections open after {} ms; draining anyway",
                        server.appConnectionsOpen(), waitedMs);
            }
        }
        drainAndClose();
    }

    /**
     * Drains within the drain timeout, then closes. Blocks until done. Readiness turns 503 at once;
     * each pattern finishes the work it runs by itself (while the API still serves it); then parked
     * long-polls are answered, what the patterns hold (leases) is let go, new connections are
     * refused, and in-flight requests get what remains of the timeout.
     */
    public void drainAndClose() {
        LOG.info("draining for up to {} ms", settings.drainTimeout().toMillis());
        long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
        server.markDraining();
        patterns.forEach(p -> p.drainWork(remaining(deadline)));
        Duration left = remaining(deadline);
        try {
            server.drain(left).await(left.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("drain did not finish cleanly: {}", e.getMessage());
        }
        close();
    }

    /**
     * Closes at once, without draining: the patterns' own work is stopped, then Vert.x (and with it
     * the server) and the engine are closed. Leases are not released (they expire). Never throws.
     */
    @Override
    public void close() {
        try {
            server.stopWatchingCertificate().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("stopping the TLS certificate watch failed: {}", e.getMessage());
        }
        stop(patterns, vertx, engines);
        LOG.info("patternkit-sidecar stopped");
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    private static void stop(List<RunningPattern> patterns, Vertx vertx, EngineFamily engines) {
        patterns.forEach(RunningPattern::close);
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("closing Vert.x failed: {}", e.getMessage());
        }
        engines.close();
    }
}

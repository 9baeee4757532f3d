package io.patternkit.sidecar.adapter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import io.patternkit.server.security.Loopback;
import io.patternkit.sidecar.adapter.logs.LogLevel;
import io.patternkit.sidecar.adapter.logs.LogSourceSpec;
import io.patternkit.sidecar.adapter.logs.LogsAdapter;
import io.patternkit.sidecar.adapter.logs.LogsQuery;
import io.patternkit.sidecar.adapter.scrape.Scrapes;
import io.patternkit.sidecar.common.FieldError;
import io.patternkit.sidecar.common.JsonMappers;
import io.patternkit.sidecar.host.HostContext;
import io.patternkit.sidecar.host.PatternModule;
import io.patternkit.sidecar.host.Responses;
import io.patternkit.sidecar.host.RunningPattern;
import io.patternkit.sidecar.host.SidecarServer;
import io.prometheus.jmx.JmxCollector;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import javax.management.MalformedObjectNameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The adapter (Burns and Oppenheimer, section 4.3) as a module of the sidecar: it gives an app that
 * does not speak the standard interface (an off-the-shelf database, a legacy service) its parts.
 * Health: {@code /adapter/healthz/live}, {@code /ready} and {@code /started}, from checks it runs
 * against the app with Kubernetes probe semantics (HTTP, TCP, a command, a JDBC query). Metrics, at
 * the sidecar's Prometheus {@code /metrics}: gauges from SQL queries (postgres_exporter style), the
 * app's statsd lines over UDP (statsd_exporter style) and a JVM's JMX beans (the Prometheus JMX
 * exporter's collector), and other processes' Prometheus or JSON endpoints renamed and relabelled
 * ({@link Scrapes}). Logs: the app's log files or pipe, normalised into JSON lines on standard
 * output and the newest at {@code /v1/adapter/logs} ({@link LogsAdapter}). A failing probe answers 503 with a problem document naming each failing check (one {@code errors}
 * entry per check: its name and why). Needs no engine.
 */
public final class AdapterModule implements PatternModule {
    /** The name {@code run --patterns} knows the adapter by. */
    public static final String NAME = "adapter";
    private static final Logger LOG = LoggerFactory.getLogger(AdapterModule.class);
    private static final JsonMapper MAPPER = JsonMappers.standard();

    private final AdapterConfig config;
    private final Function<String, String> env;

    /**
     * @param config the checks
     * @param env the environment, for JDBC passwords
     */
    public AdapterModule(AdapterConfig config, Function<String, String> env) {
        this.config = config;
        this.env = env;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RunningPattern start(HostContext context) {
        // Built only when something reads over HTTP: building the JDK's client sets up its TLS stack, about 470
        // classes and 4 MB of a sidecar's memory (docs/benchmarks.md, the footprint section).
        HttpClient http = config.readsOverHttp() ? HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build() : null;
        Vertx vertx = context.vertx();
        List<Check> checks = new ArrayList<>();
        List<Long> timers = new ArrayList<>();
        for (CheckSpec spec : config.checks()) {
            Check check = new Check(spec, Probe.of(spec, http, env));
            checks.add(check);
            Counter failures = Counter.builder("patternkit.adapter.check.failures").tag("check", spec.name())
                    .description("Failed runs of the adapter's health check").register(context.registry());
            Gauge.builder("patternkit.adapter.check.healthy", check, c -> c.healthy() ? 1 : 0).tag("check", spec.name())
                    .tag("probe", spec.probe()).description("1 while the check counts as healthy for its probe, else 0")
                    .register(context.registry());
            timers.add(every(vertx, spec.interval(), () -> run(check, failures)));
            LOG.info("adapter: check {} ({}) every {} ms", spec.name(), spec.probe(), spec.interval().toMillis());
        }
        for (SqlMetricSpec spec : config.sqlMetrics()) {
            SqlMetric metric = new SqlMetric(spec, env, context.registry());
            timers.add(every(vertx, spec.interval(), metric::run));
            LOG.info("adapter: SQL metric {} every {} ms from {}", spec.name(), spec.interval().toMillis(), spec.jdbc().redactedUrl());
        }
        StatsdReceiver statsd = config.statsd().map(s -> new StatsdReceiver(context.registry(), s.maxSeries())).orElse(null);
        if (statsd != null) {
            AdapterConfig.Statsd s = config.statsd().get();
            try {
                int port = statsd.listen(s.host(), s.port());
                LOG.info("adapter: statsd on udp://{}:{}", s.host(), port);
                if (!Loopback.isLoopbackHost(s.host())) {
                    LOG.warn("adapter: statsd on {}, off loopback: StatsD has no authentication, so whoever reaches that "
                            + "address can add series (up to maxSeries) to the sidecar's /metrics", s.host());
                }
            } catch (IOException | RuntimeException e) {
                timers.forEach(vertx::cancelTimer);
                statsd.close(); // the channel may be open, unbound
                throw new IllegalStateException("adapter: cannot listen for statsd on udp://" + s.host() + ":" + s.port() + ": "
                        + e.getMessage(), e);
            }
        }
        List<Runnable> started = new ArrayList<>(); // what a failed start, or the drain, stops
        started.add(() -> timers.forEach(vertx::cancelTimer));
        if (statsd != null) {
            started.add(statsd::close);
        }
        Runnable stop = () -> started.forEach(Runnable::run);
        LogsAdapter logs;
        try {
            started.add(config.jmx().map(jmx -> jmx(jmx, context)).orElse(() -> { }));
            started.add(config.scrapes().isEmpty() ? () -> { } : Scrapes.register(config.scrapes(), http, context.registry()));
            logs = config.logs().map(spec -> LogsAdapter.start(spec, context.registry(), Clock.systemUTC(), MAPPER)).orElse(null);
        } catch (RuntimeException e) {
            stop.run();
            throw e;
        }
        return new Running(List.copyOf(checks), Optional.ofNullable(logs), vertx, stop);
    }

    /**
     * Runs blocking work on a worker thread now and then every {@code interval}, skipping a period while the last
     * run is still going: a check or a SQL metric that hangs (a database that drops packets) holds one worker
     * thread, not one more per interval until the pool every route shares is gone.
     *
     * @return the timer, to cancel
     */
    static long every(Vertx vertx, Duration interval, Runnable work) {
        AtomicBoolean going = new AtomicBoolean();
        Runnable run = () -> {
            if (going.compareAndSet(false, true)) {
                vertx.executeBlocking(() -> {
                    try {
                        work.run();
                    } finally {
                        going.set(false);
                    }
                    return null;
                }, false);
            }
        };
        run.run();
        return vertx.setPeriodic(interval.toMillis(), id -> run.run());
    }

    /** Runs a check once, counting a failed run and logging a change of status. */
    private static void run(Check check, Counter failures) {
        Check.Status before = check.status();
        if (check.runOnce(Clock.systemUTC().instant(), System::nanoTime)) {
            Check.Snapshot now = check.snapshot();
            if (now.failuresInARow() > 0) {
                failures.increment();
            }
            if (check.status() != before) {
                LOG.info("adapter: check {} ({}) is {}{}", now.name(), now.probe(), now.status(),
                        now.status().equals("failing") ? ": " + now.lastError() : "");
            }
        }
    }

    /** Registers the JMX exporter's collector with the Prometheus registry behind /metrics; returns its unregistration. */
    private static Runnable jmx(AdapterConfig.Jmx jmx, HostContext context) {
        if (!(context.registry() instanceof PrometheusMeterRegistry prometheus)) {
            throw new IllegalStateException("adapter: JMX metrics need the sidecar's Prometheus registry");
        }
        JmxCollector collector;
        try {
            collector = new JmxCollector(jmx.yaml()).register(prometheus.getPrometheusRegistry());
        } catch (MalformedObjectNameException | RuntimeException e) {
            throw new IllegalArgumentException("adapter: the JMX exporter's config from " + jmx.source() + " is invalid: " + e.getMessage(), e);
        }
        LOG.info("adapter: JMX metrics by the Prometheus JMX exporter's collector, config from {}", jmx.source());
        return () -> prometheus.getPrometheusRegistry().unregister(collector);
    }

    /** The started adapter: its checks, its logs (read until the sidecar closes: the app may log while it stops), and what stops the rest (once). */
    private record Running(List<Check> checks, Optional<LogsAdapter> logs, Vertx vertx, Runnable stop) implements RunningPattern {
        private Running(List<Check> checks, Optional<LogsAdapter> logs, Vertx vertx, Runnable stop) {
            this.checks = checks;
            this.logs = logs;
            this.vertx = vertx;
            AtomicBoolean stopped = new AtomicBoolean();
            this.stop = () -> {
                if (stopped.compareAndSet(false, true)) {
                    stop.run();
                }
            };
        }

        @Override
        public void mount(Router router, Responses responses, Handler<RoutingContext> auth) {
            for (String probe : List.of("live", "ready", "started")) {
                String route = "/adapter/healthz/" + probe;
                router.get(route).handler(ctx -> probe(ctx, responses, route, probe));
            }
            String all = "/v1/adapter/checks";
            router.get(all).handler(ctx -> responses.answer(ctx, all, () -> {
                ObjectNode body = responses.object();
                ArrayNode list = body.putArray("checks");
                checks.forEach(c -> list.add(json(responses, c.snapshot())));
                return Future.succeededFuture(body);
            }));
            String logsRoute = "/v1/adapter/logs";
            // Up to 100,000 records to write: off the event loop.
            router.get(logsRoute).handler(ctx -> responses.answer(ctx, logsRoute, () -> vertx.executeBlocking(() -> logs(ctx, responses),
                    false)));
        }

        /** {@code GET /v1/adapter/logs?lines=&source=&level=}: the newest records, oldest first. */
        private ObjectNode logs(RoutingContext ctx, Responses responses) {
            int lines = LogsQuery.lines(Responses.query(ctx, "lines"));
            List<String> names = logs.map(l -> l.sources().stream().map(LogSourceSpec::name).toList()).orElse(List.of());
            Optional<String> source = LogsQuery.source(Responses.query(ctx, "source"), names);
            Optional<LogLevel> level = LogsQuery.level(Responses.query(ctx, "level"));
            ObjectNode body = responses.object().put("capacity", logs.map(LogsAdapter::capacity).orElse(0));
            ArrayNode sources = body.putArray("sources");
            names.forEach(sources::add);
            ArrayNode records = body.putArray("records");
            logs.ifPresent(l -> l.newest(lines, source, level).forEach(r -> records.add(r.toJson(MAPPER))));
            return body;
        }

        private void probe(RoutingContext ctx, Responses responses, String route, String probe) {
            ctx.put(SidecarServer.ROUTE_KEY, route);
            List<Check.Snapshot> mine = checks.stream().filter(c -> c.spec().probe().equals(probe)).map(Check::snapshot).toList();
            List<Check.Snapshot> unhealthy = mine.stream().filter(s -> !s.healthy()).toList();
            if (unhealthy.isEmpty()) {
                ObjectNode body = responses.object().put("status", "UP");
                ArrayNode list = body.putArray("checks");
                mine.forEach(s -> list.add(json(responses, s)));
                responses.json(ctx, 200, body);
                return;
            }
            StringBuilder detail = new StringBuilder();
            for (Check.Snapshot s : unhealthy) {
                detail.append(detail.isEmpty() ? "" : "; ").append("check ").append(s.name()).append(" is ").append(s.status())
                        .append(s.lastError() == null ? "" : ": " + s.lastError());
            }
            List<FieldError> failing = unhealthy.stream().map(s -> new FieldError(s.name(),
                    s.status() + (s.lastError() == null ? "" : ": " + s.lastError()))).toList();
            ObjectNode problem = responses.problemBody(ProblemType.CHECK_FAILED, detail.toString(), failing);
            ctx.response().setStatusCode(503).putHeader("Content-Type", Wire.PROBLEM_JSON).end(problem.toString());
        }

        private static ObjectNode json(Responses responses, Check.Snapshot s) {
            ObjectNode node = responses.object().put("name", s.name()).put("probe", s.probe()).put("status", s.status())
                    .put("healthy", s.healthy()).put("failuresInARow", s.failuresInARow())
                    .put("lastDurationMs", s.lastDuration().toMillis());
            if (s.lastRun() != null) {
                node.put("lastRun", s.lastRun().toString());
            }
            if (s.lastError() != null) {
                node.put("lastError", s.lastError());
            }
            return node;
        }

        @Override
        public Future<Void> ping() {
            return Future.succeededFuture(); // the app's health is the adapter's answer, not the sidecar's readiness
        }

        @Override
        public Future<Void> drain() {
            stop.run();
            return Future.succeededFuture();
        }

        @Override
        public void close() {
            stop.run();
            logs.ifPresent(LogsAdapter::close);
        }
    }
}

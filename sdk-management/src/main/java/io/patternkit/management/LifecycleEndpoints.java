package io.patternkit.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.patternkit.core.internal.Json;
import io.patternkit.lifecycle.DrainReport;
import io.patternkit.lifecycle.HealthProbe;
import io.patternkit.lifecycle.HealthReport;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.lifecycle.TerminationNotice;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Serves an application's {@link Lifecycle} on its {@link ManagementServer}, as the single-container
 * management pattern's HTTP face (the paths and bodies are in the OpenAPI contract):
 * <ul>
 *   <li>{@code POST /patternkit/lifecycle/drain} with an optional {@code {"deadlineMs": n}}, and
 *       {@code GET /patternkit/lifecycle/drain?deadlineMs=n} for a Kubernetes {@code preStop}
 *       {@code httpGet} hook: runs the drain and answers its report when it has ended (200). The drain
 *       runs once; later calls answer the first report. Needs the server's token when it has one.</li>
 *   <li>{@code GET /patternkit/health/live}, {@code /ready} and {@code /started}: the lifecycle's
 *       {@linkplain Lifecycle#health health} for each {@link HealthProbe}, 200 when every check of the probe
 *       passed and 503 otherwise, with a body in MicroProfile Health's shape that names each check:
 *       {@code {"status":"DOWN","checks":[{"name":"drain","status":"DOWN","detail":"draining"}]}}.
 *       Liveness has no built-in check (the process answering is the check, so a slow sidecar never restarts
 *       the app); readiness has {@code drain}, down once a drain begins, and the pattern handles' checks.
 *       Probes need no token.</li>
 *   <li>{@code GET /patternkit/info}: what the application is and what its pattern handles are doing: the
 *       Patternkit and Java versions, the process id and uptime, and every {@linkplain Lifecycle#registerInfo
 *       info contribution} (a consumer's counts, a leadership's term and fencing token, a leaf's pool).
 *       Needs the server's token when it has one.</li>
 * </ul>
 * Bad input is a 400 {@code invalid-request} problem; other methods a 405 with {@code Allow}.
 */
public final class LifecycleEndpoints {
    /** The liveness probe's path. */
    public static final String LIVE_PATH = Wire.APP_HEALTH_PREFIX + "live";
    /** The readiness probe's path. */
    public static final String READY_PATH = Wire.APP_HEALTH_PREFIX + "ready";
    /** The startup probe's path. */
    public static final String STARTED_PATH = Wire.APP_HEALTH_PREFIX + "started";
    /** The info document's path. */
    public static final String INFO_PATH = "/patternkit/info";

    private static final String PATTERNKIT_VERSION = Optional.ofNullable(
            LifecycleEndpoints.class.getPackage().getImplementationVersion()).orElse("unknown");

    private final Lifecycle lifecycle;

    private LifecycleEndpoints(Lifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    /**
     * Mounts the drain, the three probes and the info document.
     *
     * @param server the application's management server; not null
     * @param lifecycle the application's lifecycle; not null
     * @return the mount; closing it unmounts every path
     * @throws IllegalStateException when one of the paths is already mounted
     */
    public static ManagementServer.Mount mount(ManagementServer server, Lifecycle lifecycle) {
        Objects.requireNonNull(server, "server");
        LifecycleEndpoints endpoints = new LifecycleEndpoints(Objects.requireNonNull(lifecycle, "lifecycle"));
        List<ManagementServer.Mount> mounts = new ArrayList<>();
        mounts.add(server.mount(Wire.DRAIN_PATH, endpoints::drain));
        for (HealthProbe probe : HealthProbe.values()) {
            mounts.add(server.mount(Wire.APP_HEALTH_PREFIX + probe.pathSegment(),
                    r -> Requests.onlyGet(r).orElseGet(() -> endpoints.health(probe))));
        }
        mounts.add(server.mount(INFO_PATH, r -> Requests.onlyGet(r).orElseGet(endpoints::info)));
        return () -> mounts.forEach(ManagementServer.Mount::close);
    }

    private ManagementResponse health(HealthProbe probe) {
        HealthReport report = lifecycle.health(probe);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("status", report.status());
        doc.put("checks", report.checks().entrySet().stream().map(e -> {
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("name", e.getKey());
            check.put("status", e.getValue().status());
            e.getValue().detail().ifPresent(d -> check.put("detail", d));
            return check;
        }).toList());
        return ManagementResponse.jsonOf(report.up() ? 200 : 503, doc);
    }

    private ManagementResponse info() {
        RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("patternkit", Map.of("version", PATTERNKIT_VERSION));
        doc.put("java", Map.of("version", Runtime.version().toString(), "vendor", System.getProperty("java.vendor", "")));
        doc.put("process", Map.of("pid", ProcessHandle.current().pid(), "uptimeMs", runtime.getUptime(),
                "availableProcessors", Runtime.getRuntime().availableProcessors()));
        doc.put("lifecycle", Map.of("ready", lifecycle.isReady(), "draining", lifecycle.isDraining(),
                "drainDeadlineMs", lifecycle.drainDeadline().toMillis()));
        doc.put("contributions", lifecycle.info());
        return ManagementResponse.jsonOf(200, doc);
    }

    private ManagementResponse drain(ManagementRequest request) {
        if (!request.method().equals("GET") && !request.method().equals("POST")) {
            return ManagementResponse.problem(ProblemType.METHOD_NOT_ALLOWED, "use POST or GET")
                    .withHeader("Allow", "GET, POST");
        }
        Optional<Long> deadlineMs;
        try {
            deadlineMs = request.method().equals("GET") ? fromQuery(request) : fromBody(request.body());
        } catch (IllegalArgumentException e) {
            return Requests.invalid(e.getMessage());
        }
        Duration deadline = deadlineMs.map(Duration::ofMillis).orElse(lifecycle.drainDeadline());
        return ManagementResponse.jsonOf(200, toJson(lifecycle.drain(TerminationNotice.Trigger.HTTP, deadline)));
    }

    private static Optional<Long> fromQuery(ManagementRequest request) {
        Optional<String> text = request.query("deadlineMs");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(inRange(Long.parseLong(text.get())));
        } catch (NumberFormatException e) {
            throw badDeadline();
        }
    }

    private static Optional<Long> fromBody(byte[] body) {
        if (body.length == 0) {
            return Optional.empty();
        }
        JsonNode doc;
        try {
            doc = Json.mapper().readTree(body);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the body is not valid JSON");
        }
        if (doc == null || !doc.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object such as {\"deadlineMs\": 20000}");
        }
        doc.fieldNames().forEachRemaining(name -> {
            if (!name.equals("deadlineMs")) {
                throw new IllegalArgumentException("unknown member '" + name + "'; the body has only deadlineMs");
            }
        });
        JsonNode ms = doc.get("deadlineMs");
        if (ms == null) {
            return Optional.empty();
        }
        if (!ms.isIntegralNumber() || !ms.canConvertToLong()) {
            throw badDeadline();
        }
        return Optional.of(inRange(ms.asLong()));
    }

    private static long inRange(long ms) {
        if (ms < 1 || ms > Wire.MAX_DRAIN_DEADLINE_MS) {
            throw badDeadline();
        }
        return ms;
    }

    private static IllegalArgumentException badDeadline() {
        return new IllegalArgumentException("deadlineMs must be an integer from 1 to " + Wire.MAX_DRAIN_DEADLINE_MS
                + " (milliseconds)");
    }

    private static Map<String, Object> toJson(DrainReport report) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("trigger", lower(report.notice().trigger()));
        doc.put("deadlineMs", report.notice().budget().toMillis());
        doc.put("deadline", report.notice().deadline().toString());
        doc.put("tookMs", report.took().toMillis());
        doc.put("clean", report.clean());
        doc.put("steps", report.steps().stream().map(s -> {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("phase", lower(s.phase()));
            step.put("name", s.name());
            step.put("budgetMs", s.budget().toMillis());
            step.put("tookMs", s.took().toMillis());
            step.put("outcome", lower(s.outcome()));
            s.error().ifPresent(e -> step.put("error", e));
            return step;
        }).toList());
        return doc;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}

package io.patternkit.spring.lifecycle;

import io.patternkit.lifecycle.HealthProbe;
import io.patternkit.lifecycle.HealthReport;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.spring.StatusContributor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code lifecycle} part of the {@code patternkit} Actuator endpoint and info entry: whether the application is
 * ready or draining, its drain deadline, the info contributions registered on its {@link Lifecycle}
 * ({@link Lifecycle#registerInfo}), and for the endpoint (never for {@code /actuator/info}, since checks may call out)
 * each readiness check's result ({@link Lifecycle#registerHealthCheck}). Those checks also decide the
 * {@code patternkit} health contributor, so a check an application registers on the lifecycle shows in Actuator's
 * readiness group the way it shows at {@code /patternkit/health/ready} without Spring.
 */
public final class LifecycleStatus implements StatusContributor {
    private final Lifecycle lifecycle;

    /** @param lifecycle the application's lifecycle */
    public LifecycleStatus(Lifecycle lifecycle) {
        this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
    }

    @Override
    public String name() {
        return "lifecycle";
    }

    @Override
    public Map<String, Object> status(boolean probeSidecar) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("ready", lifecycle.isReady());
        status.put("draining", lifecycle.isDraining());
        status.put("drainDeadlineMs", lifecycle.drainDeadline().toMillis());
        if (probeSidecar) {
            status.put("readinessChecks", checks(lifecycle.health(HealthProbe.READINESS)));
        }
        status.put("info", lifecycle.info());
        return status;
    }

    /**
     * @param report a probe's report
     * @return each check's {@code status} and {@code detail} by name, JSON-ready
     */
    public static Map<String, Object> checks(HealthReport report) {
        Map<String, Object> checks = new LinkedHashMap<>();
        report.checks().forEach((name, result) -> {
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("status", result.status());
            result.detail().ifPresent(d -> check.put("detail", d));
            checks.put(name, check);
        });
        return checks;
    }
}

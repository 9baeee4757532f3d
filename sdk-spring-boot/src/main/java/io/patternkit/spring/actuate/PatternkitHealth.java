package io.patternkit.spring.actuate;

import io.patternkit.core.SidecarReadiness;
import io.patternkit.lifecycle.HealthProbe;
import io.patternkit.lifecycle.HealthReport;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.spring.StatusContributor;
import io.patternkit.spring.lifecycle.LifecycleStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What Patternkit's Actuator health contributors answer, on any Spring Boot version: readiness (every pattern's
 * sidecar answers its readiness probe ready and every readiness check on the application's {@link Lifecycle} passes)
 * and the lifecycle's liveness and startup checks, each with its details. The Boot 4 indicators and the Boot 3.5 ones
 * present the same answers. Thread-safe.
 */
public final class PatternkitHealth {
    private final List<StatusContributor> contributors;
    private final Optional<Lifecycle> lifecycle;

    /**
     * One answer.
     *
     * @param up whether the contributor is UP (else DOWN)
     * @param details what to show: each sidecar's answer, the lifecycle's checks
     */
    public record Answer(boolean up, Map<String, Object> details) {
        /**
         * Copies the details.
         *
         * @param up whether the contributor is UP (else DOWN)
         * @param details what to show: each sidecar's answer, the lifecycle's checks
         */
        public Answer {
            details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }
    }

    /**
     * @param contributors the patterns' parts, in order
     * @param lifecycle the application's lifecycle, when it has one
     */
    public PatternkitHealth(List<StatusContributor> contributors, Optional<Lifecycle> lifecycle) {
        this.contributors = List.copyOf(Objects.requireNonNull(contributors, "contributors"));
        this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
    }

    /**
     * Asks every pattern's sidecar (patterns on in-memory fakes have none and are left out) and runs the lifecycle's
     * readiness checks ({@code drain}, down once a drain has begun, and the application's own).
     *
     * @return UP when all are ready, with each sidecar's answer and the checks ({@code lifecycle}) as details
     */
    public Answer readiness() {
        boolean ready = true;
        Map<String, Object> details = new LinkedHashMap<>();
        for (StatusContributor contributor : contributors) {
            Optional<SidecarReadiness> readiness = contributor.sidecarReadiness();
            if (readiness.isPresent()) {
                Map<String, Object> detail = new LinkedHashMap<>();
                detail.put("status", readiness.get().status());
                readiness.get().detail().ifPresent(d -> detail.put("detail", d));
                details.put(contributor.name(), detail);
                ready &= readiness.get().ready();
            }
        }
        if (lifecycle.isPresent()) {
            HealthReport report = lifecycle.get().health(HealthProbe.READINESS);
            details.put("lifecycle", LifecycleStatus.checks(report));
            ready &= report.up();
        }
        return new Answer(ready, details);
    }

    /**
     * Runs the checks registered on the lifecycle for a probe (the sidecars are not asked: a sidecar's trouble
     * should take the app out of traffic, not restart it).
     *
     * @param probe {@link HealthProbe#LIVENESS} or {@link HealthProbe#STARTUP} (or readiness's checks alone)
     * @return UP when every check passes (none registered counts as UP), each check as a detail; empty without a
     *     lifecycle
     */
    public Optional<Answer> probe(HealthProbe probe) {
        return lifecycle.map(l -> {
            HealthReport report = l.health(probe);
            return new Answer(report.up(), LifecycleStatus.checks(report));
        });
    }

    /** @return whether the application has a lifecycle, whose probes {@link #probe} runs */
    public boolean hasLifecycle() {
        return lifecycle.isPresent();
    }
}

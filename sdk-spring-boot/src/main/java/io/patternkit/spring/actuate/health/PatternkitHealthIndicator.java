package io.patternkit.spring.actuate.health;

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
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code patternkit} health contributor: UP when every pattern's sidecar answers its readiness probe ready and
 * every readiness check registered on the application's {@link Lifecycle} passes ({@code drain}, down once a drain
 * has begun, and the application's own), DOWN otherwise, with each sidecar's answer and the lifecycle's checks
 * ({@code lifecycle}) as details. It belongs in the readiness group, not liveness: an app whose
 * sidecar is draining or has lost its engine should stop receiving traffic, not be restarted
 * ({@code management.endpoint.health.group.readiness.include=readinessState,patternkit}). Patterns on in-memory
 * fakes have no sidecar and are left out.
 */
public class PatternkitHealthIndicator extends AbstractHealthIndicator {
    private final List<StatusContributor> contributors;
    private final Optional<Lifecycle> lifecycle;

    /**
     * @param contributors the patterns' parts, in order
     * @param lifecycle the application's lifecycle, when it has one
     */
    public PatternkitHealthIndicator(List<StatusContributor> contributors, Optional<Lifecycle> lifecycle) {
        super("Patternkit sidecar health check failed");
        this.contributors = List.copyOf(Objects.requireNonNull(contributors, "contributors"));
        this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean ready = true;
        for (StatusContributor contributor : contributors) {
            Optional<SidecarReadiness> readiness = contributor.sidecarReadiness();
            if (readiness.isPresent()) {
                Map<String, Object> detail = new LinkedHashMap<>();
                detail.put("status", readiness.get().status());
                readiness.get().detail().ifPresent(d -> detail.put("detail", d));
                builder.withDetail(contributor.name(), detail);
                ready &= readiness.get().ready();
            }
        }
        if (lifecycle.isPresent()) {
            HealthReport report = lifecycle.get().health(HealthProbe.READINESS);
            builder.withDetail("lifecycle", LifecycleStatus.checks(report));
            ready &= report.up();
        }
        if (ready) {
            builder.up();
        } else {
            builder.down();
        }
    }
}

package io.patternkit.spring.actuate.health;

import io.patternkit.spring.actuate.PatternkitHealth;
import java.util.Objects;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code patternkit} health contributor on Spring Boot 4: UP when every pattern's sidecar answers its readiness
 * probe ready and every readiness check registered on the application's {@link io.patternkit.lifecycle.Lifecycle}
 * passes, DOWN otherwise, with each sidecar's answer and the lifecycle's checks ({@code lifecycle}) as details
 * ({@link PatternkitHealth#readiness()}). It belongs in the readiness group, not liveness: an app whose sidecar is
 * draining or has lost its engine should stop receiving traffic, not be restarted
 * ({@code management.endpoint.health.group.readiness.include=readinessState,patternkit}).
 */
public class PatternkitHealthIndicator extends AbstractHealthIndicator {
    private final PatternkitHealth health;

    /**
     * @param health what to answer
     */
    public PatternkitHealthIndicator(PatternkitHealth health) {
        super("Patternkit sidecar health check failed");
        this.health = Objects.requireNonNull(health, "health");
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        PatternkitHealth.Answer answer = health.readiness();
        (answer.up() ? builder.up() : builder.down()).withDetails(answer.details());
    }
}

package io.patternkit.spring.actuate.health;

import io.patternkit.lifecycle.HealthProbe;
import io.patternkit.spring.actuate.PatternkitHealth;
import java.util.Objects;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The lifecycle's liveness or startup checks ({@code lifecycle.registerHealthCheck(HealthProbe.LIVENESS, ...)}) as a
 * Spring Boot 4 health contributor, {@code patternkitLiveness} or {@code patternkitStartup}, for Actuator's liveness
 * group ({@code management.endpoint.health.group.liveness.include=livenessState,patternkitLiveness}) and a startup
 * group that a Kubernetes startup probe asks. UP when every check passes, each check a detail.
 */
public class PatternkitProbeHealthIndicator extends AbstractHealthIndicator {
    private final PatternkitHealth health;
    private final HealthProbe probe;

    /**
     * @param health what to answer; it has a lifecycle
     * @param probe {@link HealthProbe#LIVENESS} or {@link HealthProbe#STARTUP}
     */
    public PatternkitProbeHealthIndicator(PatternkitHealth health, HealthProbe probe) {
        super("Patternkit " + probe + " checks failed");
        this.health = Objects.requireNonNull(health, "health");
        this.probe = Objects.requireNonNull(probe, "probe");
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        PatternkitHealth.Answer answer = health.probe(probe).orElseThrow();
        (answer.up() ? builder.up() : builder.down()).withDetails(answer.details());
    }
}

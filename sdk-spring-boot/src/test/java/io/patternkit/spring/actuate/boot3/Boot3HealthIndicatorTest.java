package io.patternkit.spring.actuate.boot3;

import static org.assertj.core.api.Assertions.assertThat;

import io.patternkit.lifecycle.HealthCheckResult;
import io.patternkit.lifecycle.HealthProbe;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.spring.autoconfigure.PatternkitActuatorAutoConfiguration;
import io.patternkit.spring.autoconfigure.PatternkitLifecycleAutoConfiguration;
import io.patternkit.spring.autoconfigure.WorkQueueAutoConfiguration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Patternkit's health contributors on Spring Boot 3.5, whose health API differs from Boot 4's: compiled and run only in
 * the compatibility run (profile {@code spring-boot-3}), against Boot 3.5's own Actuator types.
 */
class Boot3HealthIndicatorTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PatternkitLifecycleAutoConfiguration.class,
                    WorkQueueAutoConfiguration.class, PatternkitActuatorAutoConfiguration.class));

    @Test
    void readinessLivenessAndStartupAreBoot3HealthIndicatorsNamedAsOnBoot4() {
        runner.withPropertyValues("patternkit.sidecar.url=http://127.0.0.1:9").run(context -> {
            Map<String, HealthIndicator> indicators = context.getBeansOfType(HealthIndicator.class);
            assertThat(indicators).containsOnlyKeys("patternkitHealthIndicator", "patternkitLivenessHealthIndicator",
                    "patternkitStartupHealthIndicator");
            Health readiness = indicators.get("patternkitHealthIndicator").health();
            assertThat(readiness.getStatus()).isEqualTo(Status.DOWN); // nothing listens on port 9
            assertThat(readiness.getDetails().get("workqueue").toString()).contains("UNREACHABLE");
            context.getBean(Lifecycle.class).registerHealthCheck(HealthProbe.LIVENESS, "loop",
                    () -> HealthCheckResult.unhealthy("stuck"));
            Health live = indicators.get("patternkitLivenessHealthIndicator").getHealth(true);
            assertThat(live.getStatus()).isEqualTo(Status.DOWN);
            assertThat(live.getDetails()).containsOnlyKeys("loop");
            assertThat(indicators.get("patternkitStartupHealthIndicator").health().getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void switchedOffAsAnySpringBootHealthIndicatorIs() {
        runner.withPropertyValues("management.health.patternkit.enabled=false").run(context -> assertThat(context)
                .hasNotFailed().doesNotHaveBean(HealthIndicator.class));
        runner.withPropertyValues("management.health.defaults.enabled=false").run(context -> assertThat(context)
                .doesNotHaveBean(HealthIndicator.class));
        runner.withPropertyValues("management.health.defaults.enabled=false", "management.health.patternkit.enabled=true")
                .run(context -> assertThat(context).hasBean("patternkitHealthIndicator"));
        runner.withPropertyValues("management.health.patternkit.enabled=off").run(context -> assertThat(context)
                .hasNotFailed().doesNotHaveBean(HealthIndicator.class)); // converted as Spring converts booleans
    }
}

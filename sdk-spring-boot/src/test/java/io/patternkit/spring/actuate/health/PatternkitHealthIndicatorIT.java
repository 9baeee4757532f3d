package io.patternkit.spring.actuate.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.patternkit.lifecycle.HealthCheckResult;
import io.patternkit.lifecycle.HealthProbe;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.spring.autoconfigure.LeaderElectionAutoConfiguration;
import io.patternkit.spring.autoconfigure.PatternkitActuatorAutoConfiguration;
import io.patternkit.spring.autoconfigure.PatternkitLifecycleAutoConfiguration;
import io.patternkit.spring.autoconfigure.WorkQueueAutoConfiguration;
import io.patternkit.spring.test.EnablePatternkitFakes;
import io.patternkit.testing.Sidecar;
import io.patternkit.testing.SidecarProcess;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** The {@code patternkit} health contributor against a real sidecar, an absent one and the fakes. */
class PatternkitHealthIndicatorIT {
    @Sidecar(patterns = {"workqueue", "leader"})
    static SidecarProcess sidecar;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PatternkitLifecycleAutoConfiguration.class,
                    WorkQueueAutoConfiguration.class, LeaderElectionAutoConfiguration.class,
                    PatternkitActuatorAutoConfiguration.class));

    @Test
    void upWhenEverySidecarIsReady() {
        runner.withPropertyValues("patternkit.sidecar.url=" + sidecar.baseUrl()).run(context -> {
            Health health = context.getBean(PatternkitHealthIndicator.class).health(true);
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsOnlyKeys("workqueue", "leader", "lifecycle")
                    .containsEntry("workqueue", Map.of("status", "UP"))
                    .containsEntry("lifecycle", Map.of("drain", Map.of("status", "UP")));
        });
    }

    @Test
    void downWithTheReasonWhenASidecarCannotBeReached() {
        runner.withPropertyValues("patternkit.sidecar.url=" + sidecar.baseUrl(),
                "patternkit.leader.url=http://127.0.0.1:9").run(context -> {
            Health health = context.getBean(PatternkitHealthIndicator.class).health(true);
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails().get("leader").toString()).contains("UNREACHABLE", "127.0.0.1:9");
            assertThat(health.getDetails().get("workqueue")).isEqualTo(Map.of("status", "UP"));
        });
    }

    @EnablePatternkitFakes
    @Configuration(proxyBeanMethods = false)
    static class OnFakes {
    }

    @Test
    void theFakesHaveNoSidecarToBeUnhealthyAbout() {
        runner.withUserConfiguration(OnFakes.class).run(context -> {
            Health health = context.getBean(PatternkitHealthIndicator.class).health(true);
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsOnlyKeys("lifecycle");
        });
    }

    @Test
    void aReadinessCheckRegisteredOnTheLifecycleDecidesItToo() {
        runner.withUserConfiguration(OnFakes.class).run(context -> {
            context.getBean(Lifecycle.class).registerHealthCheck(HealthProbe.READINESS, "index",
                    () -> HealthCheckResult.unhealthy("2 of 3 shards loaded"));
            Health health = context.getBean(PatternkitHealthIndicator.class).health(true);
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails().get("lifecycle").toString()).contains("index", "DOWN", "2 of 3 shards loaded");
        });
    }

    @Test
    void livenessAndStartupChecksOnTheLifecycleAreContributorsOfTheirOwnWithoutAskingTheSidecars() {
        runner.withPropertyValues("patternkit.sidecar.url=http://127.0.0.1:9").run(context -> {
            Lifecycle lifecycle = context.getBean(Lifecycle.class);
            boolean[] loaded = {false};
            lifecycle.registerHealthCheck(HealthProbe.LIVENESS, "event-loop", HealthCheckResult::healthy);
            lifecycle.registerHealthCheck(HealthProbe.STARTUP, "index",
                    () -> loaded[0] ? HealthCheckResult.healthy() : HealthCheckResult.unhealthy("loading"));
            Health live = context.getBean("patternkitLivenessHealthIndicator", PatternkitProbeHealthIndicator.class)
                    .health(true);
            assertThat(live.getStatus()).isEqualTo(Status.UP); // the unreachable sidecar is readiness's business
            assertThat(live.getDetails()).containsOnlyKeys("event-loop");
            PatternkitProbeHealthIndicator startup = context.getBean("patternkitStartupHealthIndicator",
                    PatternkitProbeHealthIndicator.class);
            assertThat(startup.health(true).getStatus()).isEqualTo(Status.DOWN);
            assertThat(startup.health(true).getDetails().toString()).contains("loading");
            loaded[0] = true;
            assertThat(startup.health(true).getStatus()).isEqualTo(Status.UP);
            assertThat(context.getBean(PatternkitHealthIndicator.class).health(true).getStatus()).isEqualTo(Status.DOWN);
        });
        runner.withPropertyValues("patternkit.lifecycle.enabled=false").run(context -> assertThat(context)
                .hasSingleBean(PatternkitHealthIndicator.class).doesNotHaveBean(PatternkitProbeHealthIndicator.class));
    }

    @Test
    void switchedOffAsAnySpringBootHealthIndicatorIs() {
        runner.withPropertyValues("management.health.patternkit.enabled=false").run(context -> assertThat(context)
                .hasNotFailed().doesNotHaveBean(PatternkitHealthIndicator.class)
                .doesNotHaveBean(PatternkitProbeHealthIndicator.class));
        runner.withPropertyValues("management.health.defaults.enabled=false").run(context -> assertThat(context)
                .doesNotHaveBean(PatternkitHealthIndicator.class));
        runner.withPropertyValues("management.health.defaults.enabled=false", "management.health.patternkit.enabled=true")
                .run(context -> assertThat(context).hasSingleBean(PatternkitHealthIndicator.class));
    }

    @Test
    void noHealthContributorWithoutBoot4sHealthModule() {
        runner.withClassLoader(new FilteredClassLoader(org.springframework.boot.health.contributor.HealthIndicator.class))
                .run(context -> assertThat(context).hasNotFailed()
                        .doesNotHaveBean(PatternkitHealthIndicator.class));
    }
}

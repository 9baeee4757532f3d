package io.patternkit.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patternkit.leader.Leadership;
import io.patternkit.lifecycle.HealthCheckResult;
import io.patternkit.lifecycle.HealthProbe;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.spring.autoconfigure.LeaderElectionAutoConfiguration;
import io.patternkit.spring.autoconfigure.PatternkitActuatorAutoConfiguration;
import io.patternkit.spring.autoconfigure.PatternkitLifecycleAutoConfiguration;
import io.patternkit.spring.autoconfigure.WorkQueueAutoConfiguration;
import io.patternkit.spring.test.EnablePatternkitFakes;
import io.patternkit.spring.workqueue.WorkQueueListener;
import io.patternkit.workqueue.WorkItem;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class PatternkitActuatorTest {
    private final ApplicationContextRunner base = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PatternkitLifecycleAutoConfiguration.class,
                    WorkQueueAutoConfiguration.class, LeaderElectionAutoConfiguration.class,
                    PatternkitActuatorAutoConfiguration.class));
    private final ApplicationContextRunner runner = base.withUserConfiguration(App.class)
            .withPropertyValues("patternkit.leader.election=reports", "patternkit.workqueue.listener.poll-wait=200ms");

    static class Orders {
        @WorkQueueListener(queue = "orders")
        void handle(WorkItem item) {
        }
    }

    @EnablePatternkitFakes
    @Configuration(proxyBeanMethods = false)
    static class App {
        @Bean
        Orders orders() {
            return new Orders();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theEndpointShowsEveryPatternsPart() {
        runner.run(context -> {
            await().atMost(Duration.ofSeconds(10)).until(() -> context.getBean(Leadership.class).isLeader());
            Map<String, Object> all = context.getBean(PatternkitEndpoint.class).patternkit();
            assertThat(all).containsOnlyKeys("workqueue", "leader", "lifecycle");
            Map<String, Object> workqueue = (Map<String, Object>) all.get("workqueue");
            assertThat((Map<String, Object>) workqueue.get("sidecar")).containsEntry("kind", "InMemoryWorkQueues");
            assertThat((Map<String, Object>) workqueue.get("listeners")).hasEntrySatisfying("orders.handle",
                    listener -> assertThat((Map<String, Object>) listener).containsEntry("running", true)
                            .containsEntry("processed", 0L));
            Map<String, Object> leadership = (Map<String, Object>) ((Map<String, Object>) all.get("leader"))
                    .get("leadership");
            assertThat(leadership).containsEntry("election", "reports").containsEntry("leader", true)
                    .containsEntry("fencingToken", context.getBean(Leadership.class).fencingToken().getAsLong());
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void theLifecyclePartShowsItsReadinessChecksOnTheEndpointAndItsInfoInBoth() {
        runner.run(context -> {
            Lifecycle lifecycle = context.getBean(Lifecycle.class);
            AtomicInteger checks = new AtomicInteger();
            lifecycle.registerHealthCheck(HealthProbe.READINESS, "index", () -> {
                checks.incrementAndGet();
                return HealthCheckResult.unhealthy("loading");
            });
            lifecycle.registerInfo("build", () -> Map.of("commit", "0f4a664"));

            Map<String, Object> part = (Map<String, Object>) context.getBean(PatternkitEndpoint.class).patternkit()
                    .get("lifecycle");
            assertThat(part).containsEntry("ready", true).containsEntry("draining", false);
            assertThat((Map<String, Object>) part.get("readinessChecks")).containsEntry("index",
                    Map.of("status", "DOWN", "detail", "loading"));
            assertThat(checks).hasValue(1);
            Info.Builder info = new Info.Builder();
            context.getBean(PatternkitInfoContributor.class).contribute(info);
            assertThat(info.build().getDetails().get("patternkit").toString()).contains("commit=0f4a664")
                    .doesNotContain("readinessChecks");
            assertThat(checks).as("info runs no check").hasValue(1);
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void theInfoEntryIsTheSameWithoutAskingTheSidecars() {
        // Real clients, pointed at a port where nothing listens.
        base.withPropertyValues("patternkit.sidecar.url=http://127.0.0.1:9").run(context -> {
            Info.Builder info = new Info.Builder();
            context.getBean(PatternkitInfoContributor.class).contribute(info);
            assertThat(info.build().getDetails()).containsKey("patternkit");
            Map<String, Object> parts = (Map<String, Object>) info.build().getDetails().get("patternkit");
            assertThat(parts.get("workqueue").toString() + parts.get("leader"))
                    .contains("url=http://127.0.0.1:9").doesNotContain("ready=").doesNotContain("UNREACHABLE");
            Map<String, Object> probed = context.getBean(PatternkitEndpoint.class).patternkit();
            assertThat(probed.get("workqueue").toString() + probed.get("leader"))
                    .contains("ready=false", "status=UNREACHABLE");
        });
    }

    @Test
    void nothingWithoutActuator() {
        runner.withClassLoader(new FilteredClassLoader(Endpoint.class)).run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(PatternkitEndpoint.class)
                        .doesNotHaveBean(PatternkitInfoContributor.class));
    }
}

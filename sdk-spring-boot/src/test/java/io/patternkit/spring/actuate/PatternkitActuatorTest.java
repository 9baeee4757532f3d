package io.patternkit.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patternkit.leader.Leadership;
import io.patternkit.spring.autoconfigure.LeaderElectionAutoConfiguration;
import io.patternkit.spring.autoconfigure.PatternkitActuatorAutoConfiguration;
import io.patternkit.spring.autoconfigure.PatternkitLifecycleAutoConfiguration;
import io.patternkit.spring.autoconfigure.WorkQueueAutoConfiguration;
import io.patternkit.spring.test.EnablePatternkitFakes;
import io.patternkit.spring.workqueue.WorkQueueListener;
import io.patternkit.workqueue.WorkItem;
import java.time.Duration;
import java.util.Map;
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
            assertThat(all).containsOnlyKeys("workqueue", "leader");
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
    void theInfoEntryIsTheSameWithoutAskingTheSidecars() {
        // Real clients, pointed at a port where nothing listens.
        base.withPropertyValues("patternkit.sidecar.url=http://127.0.0.1:9").run(context -> {
            Info.Builder info = new Info.Builder();
            context.getBean(PatternkitInfoContributor.class).contribute(info);
            assertThat(info.build().getDetails()).containsKey("patternkit");
            assertThat(info.build().getDetails().get("patternkit").toString())
                    .contains("url=http://127.0.0.1:9").doesNotContain("ready=").doesNotContain("UNREACHABLE");
            assertThat(context.getBean(PatternkitEndpoint.class).patternkit().toString())
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

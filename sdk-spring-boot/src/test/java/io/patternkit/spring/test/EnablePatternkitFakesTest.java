package io.patternkit.spring.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patternkit.leader.LeaderElectionClient;
import io.patternkit.leader.Leadership;
import io.patternkit.scatter.GatherResult;
import io.patternkit.scatter.Merger;
import io.patternkit.scatter.ScatterClient;
import io.patternkit.scatter.ScatterGather;
import io.patternkit.spring.autoconfigure.LeaderElectionAutoConfiguration;
import io.patternkit.spring.autoconfigure.PatternkitLifecycleAutoConfiguration;
import io.patternkit.spring.autoconfigure.ScatterAutoConfiguration;
import io.patternkit.spring.autoconfigure.WorkQueueAutoConfiguration;
import io.patternkit.spring.scatter.ScatterLeafHandler;
import io.patternkit.spring.workqueue.WorkQueueListener;
import io.patternkit.spring.workqueue.WorkQueueTemplate;
import io.patternkit.testing.InMemoryLeaderElection;
import io.patternkit.testing.InMemoryScatter;
import io.patternkit.testing.InMemoryWorkQueues;
import io.patternkit.testing.ManualClock;
import io.patternkit.workqueue.WorkItem;
import io.patternkit.workqueue.WorkQueueClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class EnablePatternkitFakesTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PatternkitLifecycleAutoConfiguration.class,
                    WorkQueueAutoConfiguration.class, LeaderElectionAutoConfiguration.class, ScatterAutoConfiguration.class))
            .withPropertyValues("patternkit.workqueue.listener.poll-wait=200ms");

    static class Retrying {
        final List<Integer> attempts = new CopyOnWriteArrayList<>();

        @WorkQueueListener(queue = "retrying")
        void handle(String text, WorkItem item) {
            attempts.add(item.attempt());
            if (item.attempt() == 1) {
                throw new IllegalStateException("not yet");
            }
        }
    }

    /** A leaf of the application's, which the fake's scatter reaches. */
    static class Upper {
        @ScatterLeafHandler(pool = "upper", shard = "s1")
        String upper(String text) {
            return text.toUpperCase();
        }
    }

    @EnablePatternkitFakes
    @Configuration(proxyBeanMethods = false)
    static class LeafApp {
        @Bean
        Upper upper() {
            return new Upper();
        }
    }

    @Test
    void underTheFakesLeafMethodsAreLeavesOfTheInMemoryScatter() {
        runner.withUserConfiguration(LeafApp.class).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(ScatterClient.class).hasSingleBean(InMemoryScatter.class);
            GatherResult<String> result = context.getBean(ScatterGather.class).scatter("upper", "tail", String.class,
                    Merger.<String, String>of(() -> "", (merged, part) -> merged + part));
            assertThat(result.value()).isEqualTo("TAIL");
        });
    }

    @EnablePatternkitFakes
    @Configuration(proxyBeanMethods = false)
    static class App {
        @Bean
        Retrying retrying() {
            return new Retrying();
        }
    }

    @Test
    void theFakesReplaceEveryClientAndTheTestMovesTheirTime() {
        runner.withUserConfiguration(App.class).withPropertyValues("patternkit.leader.election=fakes").run(context -> {
            assertThat(context).doesNotHaveBean(WorkQueueClient.class).doesNotHaveBean(LeaderElectionClient.class)
                    .hasSingleBean(InMemoryWorkQueues.class).hasSingleBean(InMemoryLeaderElection.class);
            InMemoryWorkQueues queues = context.getBean(InMemoryWorkQueues.class);
            context.getBean(WorkQueueTemplate.class).send("retrying", "hello");
            await().atMost(Duration.ofSeconds(10)).until(() -> queues.queue("retrying").stats().delayed() == 1);
            // The nack's backoff (1 s on the fake) passes only when the test says so.
            context.getBean(ManualClock.class).advance(Duration.ofSeconds(2));
            await().atMost(Duration.ofSeconds(10)).until(() -> queues.queue("retrying").stats().acked() == 1);
            assertThat(context.getBean(Retrying.class).attempts).containsExactly(1, 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> context.getBean(Leadership.class).isLeader());
        });
    }

    @Test
    void theLeadershipRenewsOnTheManualClockAsTheFakesLeasesRunOnIt() {
        runner.withUserConfiguration(App.class).withPropertyValues("patternkit.leader.election=fakes").run(context -> {
            Leadership leadership = context.getBean(Leadership.class);
            await().atMost(Duration.ofSeconds(10)).until(leadership::isLeader);
            InMemoryLeaderElection election = context.getBean(InMemoryLeaderElection.class);
            ManualClock clock = context.getBean(ManualClock.class);
            // Half a minute of the test's time, a second at a time: the handle renews every retry period (2 s) of the
            // same clock the fake's lease runs on, woken by each advance, so the lease never has less than 13 of its
            // 15 s left. On a clock of its own the handle would renew every 2 s of real time, and the lease would run
            // down within a few steps: every third step would wait up to 2 s of real time for that renewal, so each
            // step's wait stays under that (1.5 s, polled from the start) and still leaves a loaded machine room.
            for (int second = 1; second <= 30; second++) {
                clock.advance(Duration.ofSeconds(1));
                await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).atMost(Duration.ofMillis(1500))
                        .until(() -> election.currentLeader("fakes").validFor()
                        .compareTo(Duration.ofSeconds(13)) >= 0);
            }
            assertThat(leadership.isLeader()).isTrue();
        });
    }

    @Test
    void aFakeTheTestDeclaresItselfWins() {
        InMemoryWorkQueues own = InMemoryWorkQueues.create(new ManualClock());
        runner.withUserConfiguration(App.class).withBean(InMemoryWorkQueues.class, () -> own).run(context ->
                assertThat(context.getBean(InMemoryWorkQueues.class)).isSameAs(own));
    }
}

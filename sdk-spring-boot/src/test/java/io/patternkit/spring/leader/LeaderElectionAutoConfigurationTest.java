package io.patternkit.spring.leader;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patternkit.leader.LeaderElection;
import io.patternkit.leader.LeaderElectionClient;
import io.patternkit.leader.Leadership;
import io.patternkit.leader.RevocationReason;
import io.patternkit.spring.autoconfigure.LeaderElectionAutoConfiguration;
import io.patternkit.spring.autoconfigure.PatternkitLifecycleAutoConfiguration;
import io.patternkit.testing.InMemoryLeaderElection;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.EventListener;

class LeaderElectionAutoConfigurationTest {
    private final InMemoryLeaderElection election = InMemoryLeaderElection.builder().build();
    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(PatternkitLifecycleAutoConfiguration.class, LeaderElectionAutoConfiguration.class));

    static class Events {
        final List<ApplicationEvent> seen = new CopyOnWriteArrayList<>();

        @EventListener
        void granted(LeadershipGrantedEvent event) {
            seen.add(event);
        }

        @EventListener
        void revoked(LeadershipRevokedEvent event) {
            seen.add(event);
        }
    }

    @Test
    void aClientAppearsWithTheModuleButNoCampaignWithoutAnElection() {
        runner.withPropertyValues("patternkit.sidecar.url=http://127.0.0.1:7300").run(context -> {
            assertThat(context).hasSingleBean(LeaderElectionClient.class).doesNotHaveBean(Leadership.class);
            assertThat(context.getBean(LeaderElectionClient.class).config().baseUrl())
                    .isEqualTo(URI.create("http://127.0.0.1:7300"));
        });
        runner.withClassLoader(new FilteredClassLoader(Leadership.class)).run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(LeaderElection.class));
    }

    @Test
    void leadershipIsGrantedAsAnEventWithItsTokenAndRevokedWhenTheContextCloses() {
        Events events = new Events();
        runner.withBean(LeaderElection.class, () -> election).withBean(Events.class, () -> events)
                .withPropertyValues("patternkit.leader.election=reindex", "patternkit.leader.candidate-id=pod-a")
                .run(context -> {
                    Leadership leadership = context.getBean(Leadership.class);
                    await().atMost(Duration.ofSeconds(10)).until(leadership::isLeader);
                    // The grant is published on the leadership's event thread after isLeader turns true.
                    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(events.seen).singleElement()
                            .isInstanceOfSatisfying(LeadershipGrantedEvent.class, granted -> {
                                assertThat(granted.election()).isEqualTo("reindex");
                                assertThat(granted.context().candidateId()).isEqualTo("pod-a");
                                assertThat(granted.fencingToken()).isEqualTo(leadership.fencingToken().getAsLong());
                                assertThat(granted.getSource()).isSameAs(leadership);
                            }));
                });
        assertThat(events.seen).hasSize(2).last().isInstanceOfSatisfying(LeadershipRevokedEvent.class,
                revoked -> assertThat(revoked.reason()).isEqualTo(RevocationReason.CLOSED));
        assertThat(election.currentLeader("reindex").leader()).as("resigned, not left to expire").isEmpty();
    }

    @Test
    void aContextStoppedAndStartedAgainSaysItCannotInsteadOfLeadingWithAClosedHandle() {
        runner.withBean(LeaderElection.class, () -> election)
                .withPropertyValues("patternkit.leader.election=reindex", "patternkit.leader.candidate-id=pod-a")
                .run(context -> {
                    await().atMost(Duration.ofSeconds(10)).until(context.getBean(Leadership.class)::isLeader);
                    context.stop();
                    assertThat(election.currentLeader("reindex").leader()).as("resigned").isEmpty();
                    assertThatThrownBy(context::start).hasRootCauseInstanceOf(IllegalStateException.class)
                            .rootCause().hasMessageContaining("reindex (candidate pod-a) cannot start again after the "
                                    + "application context stopped");
                });
    }

    @LeaderOnly
    static class Refresher implements org.springframework.context.Lifecycle {
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile boolean running;

        @Override
        public void start() {
            calls.add("start");
            running = true;
        }

        @Override
        public void stop() {
            calls.add("stop");
            running = false;
        }

        @Override
        public boolean isRunning() {
            return running;
        }
    }

    @Test
    void leaderOnlyBeansRunWhileLeadingAndStopOnTheRevocation() {
        Refresher refresher = new Refresher();
        runner.withBean(LeaderElection.class, () -> election).withBean(Refresher.class, () -> refresher)
                .withPropertyValues("patternkit.leader.election=refresh", "patternkit.leader.candidate-id=pod-a")
                .run(context -> {
                    await().atMost(Duration.ofSeconds(10)).until(() -> refresher.running);
                    // Leadership ends while the context runs: the bean is stopped before close() returns.
                    context.getBean(Leadership.class).close();
                    assertThat(refresher.running).isFalse();
                    assertThat(context.isRunning()).isTrue();
                });
        assertThat(refresher.calls).containsExactly("start", "stop");
    }

    /** An application listener that fails on every revocation, as a bug of the application's would. */
    static class ThrowingOnRevocation {
        @EventListener
        void revoked(LeadershipRevokedEvent event) {
            throw new IllegalStateException("the application's listener failed");
        }
    }

    @Test
    void leaderOnlyBeansStopBeforeAnApplicationListenerThatThrowsHearsOfTheRevocation() {
        Refresher refresher = new Refresher();
        runner.withBean(ThrowingOnRevocation.class, ThrowingOnRevocation::new)
                .withBean(LeaderElection.class, () -> election).withBean(Refresher.class, () -> refresher)
                .withPropertyValues("patternkit.leader.election=refresh", "patternkit.leader.candidate-id=pod-a")
                .run(context -> {
                    await().atMost(Duration.ofSeconds(10)).until(() -> refresher.running);
                    context.getBean(Leadership.class).close();
                    assertThat(refresher.running).as("stopped on a handle that no longer leads").isFalse();
                });
    }

    @Test
    void aCustomizerCannotSwitchTheEventsOff() {
        Events events = new Events();
        LeadershipCustomizer ownListener = builder -> builder.listener(new io.patternkit.leader.LeadershipListener() {
        });
        runner.withBean(LeaderElection.class, () -> election).withBean(Events.class, () -> events)
                .withBean(LeadershipCustomizer.class, () -> ownListener)
                .withPropertyValues("patternkit.leader.election=reindex").run(context -> {
                    await().atMost(Duration.ofSeconds(10)).until(context.getBean(Leadership.class)::isLeader);
                    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(events.seen).singleElement()
                            .isInstanceOf(LeadershipGrantedEvent.class));
                });
    }

    static class NotALifecycle {
    }

    static class Eager implements org.springframework.context.SmartLifecycle {
        @Override
        public void start() {
        }

        @Override
        public void stop() {
        }

        @Override
        public boolean isRunning() {
            return false;
        }
    }

    @Test
    void aLeaderOnlyBeanTheContextWouldStartEverywhereFailsTheStartUp() {
        ApplicationContextRunner leading = runner.withBean(LeaderElection.class, () -> election)
                .withPropertyValues("patternkit.leader.election=refresh");
        leading.withBean("marked", MarkedPlain.class, MarkedPlain::new).run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("@LeaderOnly bean 'marked' must implement"));
        leading.withBean("eager", MarkedEager.class, MarkedEager::new).run(context -> assertThat(context).hasFailed()
                .getFailure().hasStackTraceContaining("isAutoStartup() true"));
    }

    @LeaderOnly
    static class MarkedPlain extends NotALifecycle {
    }

    @LeaderOnly
    static class MarkedEager extends Eager {
    }

    @Test
    void aBadElectionNameFailsTheStartUpNamingTheProperty() {
        runner.withBean(LeaderElection.class, () -> election)
                .withPropertyValues("patternkit.leader.election=not a name").run(context ->
                        assertThat(context).hasFailed().getFailure().rootCause()
                                .hasMessageContaining("patternkit.leader.election"));
    }

    @Test
    void theApplicationsOwnLeadershipWins() {
        Leadership own = Leadership.builder(election).election("own").build();
        runner.withBean(LeaderElection.class, () -> election).withBean(Leadership.class, () -> own)
                .withPropertyValues("patternkit.leader.election=reindex").run(context -> {
                    assertThat(context.getBean(Leadership.class)).isSameAs(own);
                    await().atMost(Duration.ofSeconds(10)).until(own::isLeader);
                });
    }
}

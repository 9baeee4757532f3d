package io.patternkit.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patternkit.lifecycle.DrainPhase;
import io.patternkit.lifecycle.DrainReport;
import io.patternkit.lifecycle.LifecycleListener;
import io.patternkit.lifecycle.TerminationNotice;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.spring.lifecycle.DrainOnShutdown;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class PatternkitLifecycleAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PatternkitLifecycleAutoConfiguration.class));

    @Test
    void theDrainDeadlineIsSpringsShutdownPhaseTimeoutLessASecond() {
        runner.run(context -> assertThat(context.getBean(Lifecycle.class).drainDeadline())
                .isEqualTo(Duration.ofSeconds(29)));
        runner.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=10s").run(context ->
                assertThat(context.getBean(DrainOnShutdown.class).deadline()).isEqualTo(Duration.ofSeconds(9)));
        runner.withPropertyValues("patternkit.lifecycle.drain-deadline=4s").run(context ->
                assertThat(context.getBean(Lifecycle.class).drainDeadline()).isEqualTo(Duration.ofSeconds(4)));
    }

    @Test
    void aDeadlineBeyondSpringsPatienceFailsTheStartUp() {
        runner.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=10s",
                "patternkit.lifecycle.drain-deadline=20s").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("patternkit.lifecycle.drain-deadline")
                        .hasMessageContaining("spring.lifecycle.timeout-per-shutdown-phase"));
    }

    @Test
    void stoppingTheContextRunsTheDrainOnce() {
        AtomicReference<Duration> budget = new AtomicReference<>();
        AtomicReference<Lifecycle> lifecycle = new AtomicReference<>();
        runner.withPropertyValues("patternkit.lifecycle.drain-deadline=5s").run(context -> {
            lifecycle.set(context.getBean(Lifecycle.class));
            lifecycle.get().register(DrainPhase.FINISH_IN_FLIGHT, "test step", budget::set);
            assertThat(lifecycle.get().isDraining()).isFalse();
        });
        assertThat(lifecycle.get().lastReport()).hasValueSatisfying(report -> {
            assertThat(report.steps()).singleElement().satisfies(step -> assertThat(step.name()).isEqualTo("test step"));
            assertThat(report.notice().budget()).isEqualTo(Duration.ofSeconds(5));
        });
        assertThat(budget.get()).isPositive();
    }

    @Test
    void aContextStoppedAndStartedAgainSaysTheLifecycleCannotRatherThanRunDrained() {
        runner.run(context -> {
            context.stop();
            assertThat(context.getBean(Lifecycle.class).isDraining()).isTrue();
            assertThatThrownBy(context::start).hasRootCauseInstanceOf(IllegalStateException.class).rootCause()
                    .hasMessageContaining("The Patternkit lifecycle cannot start again");
        });
    }

    @Test
    void lifecycleListenerBeansHearTheNoticeAndTheReport() {
        List<String> heard = new CopyOnWriteArrayList<>();
        runner.withPropertyValues("patternkit.lifecycle.drain-deadline=3s").withBean(LifecycleListener.class,
                () -> new LifecycleListener() {
                    @Override
                    public void onTerminationNotice(TerminationNotice notice) {
                        heard.add("notice " + notice.budget());
                    }

                    @Override
                    public void onDrained(DrainReport report) {
                        heard.add("drained");
                    }
                }).run(context -> assertThat(heard).isEmpty());
        assertThat(heard).containsExactly("notice PT3S", "drained");
    }

    @Test
    void disabledMeansNoLifecycle() {
        runner.withPropertyValues("patternkit.lifecycle.enabled=false").run(context ->
                assertThat(context).doesNotHaveBean(Lifecycle.class).doesNotHaveBean(DrainOnShutdown.class));
    }
}

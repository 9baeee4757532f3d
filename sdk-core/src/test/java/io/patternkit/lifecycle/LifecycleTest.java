package io.patternkit.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.patternkit.lifecycle.DrainReport.Outcome;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    private final List<String> ran = new CopyOnWriteArrayList<>();

    private DrainStep records(String name) {
        return budget -> ran.add(name);
    }

    private static LifecycleListener throwsOnNotice(Error error) {
        return new LifecycleListener() {
            @Override
            public void onTerminationNotice(TerminationNotice notice) {
                throw error;
            }
        };
    }

    @Test
    void aListenerThatFailsAnAssertionDoesNotStopTheDrain() {
        Lifecycle lifecycle = Lifecycle.create();
        lifecycle.addListener(throwsOnNotice(new AssertionError("a listener's own check")));
        lifecycle.register(DrainPhase.CLOSE_CLIENTS, "close", records("close"));

        assertThat(lifecycle.drain(Duration.ofSeconds(5)).clean()).isTrue();
        assertThat(ran).containsExactly("close");
    }

    @Test
    void aDrainThatFailsReleasesEveryLaterCallerInsteadOfLeavingThemWaiting() {
        Lifecycle lifecycle = Lifecycle.create();
        lifecycle.addListener(throwsOnNotice(new OutOfMemoryError("the JVM's own error, thrown on")));

        assertThatThrownBy(() -> lifecycle.drain(Duration.ofSeconds(5))).isInstanceOf(OutOfMemoryError.class);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(() -> lifecycle.drain(Duration.ofSeconds(5)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("the drain failed"));
    }

    @Test
    void aDeadlineBeyondADayIsRefusedBeforeTheDrainBegins() throws InterruptedException {
        Lifecycle lifecycle = Lifecycle.create();
        assertThatThrownBy(() -> lifecycle.drain(Duration.ofSeconds(Long.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most PT24H");
        assertThatThrownBy(() -> Lifecycle.builder().drainDeadline(Duration.ofDays(2)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(lifecycle.isDraining()).isFalse();
        assertThat(lifecycle.drain(Duration.ofSeconds(5)).clean()).isTrue();
        assertThat(lifecycle.awaitDrained(ChronoUnit.FOREVER.getDuration())).as("'forever' is a wait, not an overflow")
                .isPresent();
    }

    @Test
    void phasesRunInTheDocumentedOrderWhateverTheRegistrationOrder() {
        Lifecycle lifecycle = Lifecycle.create();
        lifecycle.register(DrainPhase.CLOSE_CLIENTS, "close", records("close"));
        lifecycle.register(DrainPhase.LEAVE_POOLS, "leave", records("leave"));
        lifecycle.register(DrainPhase.RESIGN_LEADERSHIP, "resign", records("resign"));
        lifecycle.register(DrainPhase.CHECKPOINT, "checkpoint", records("checkpoint"));
        lifecycle.register(DrainPhase.FINISH_IN_FLIGHT, "finish", records("finish"));
        lifecycle.register(DrainPhase.STOP_CLAIMING, "stop", records("stop"));
        lifecycle.register(DrainPhase.NOT_READY, "unready", records("unready"));

        DrainReport report = lifecycle.drain(Duration.ofSeconds(10));

        assertThat(ran).containsExactly("unready", "stop", "finish", "checkpoint", "resign", "leave", "close");
        assertThat(report.steps()).extracting(DrainReport.Step::phase).containsExactly(DrainPhase.values());
        assertThat(report.clean()).isTrue();
        assertThat(report.withinDeadline()).isTrue();
        assertThat(report.notice().trigger()).isEqualTo(TerminationNotice.Trigger.PROGRAM);
    }

    @Test
    void eachPhaseGetsItsWeightedShareOfWhatIsLeft() {
        Lifecycle lifecycle = Lifecycle.create();
        AtomicReference<Duration> finish = new AtomicReference<>();
        AtomicReference<Duration> close = new AtomicReference<>();
        lifecycle.register(DrainPhase.FINISH_IN_FLIGHT, "finish", finish::set);
        lifecycle.register(DrainPhase.CLOSE_CLIENTS, "close", close::set);

        lifecycle.drain(Duration.ofSeconds(11));

        // weights 10 and 1 of the phases that have steps; the close phase gets what finish left over (the budgets are
        // counted on the real clock from the drain's start: a second is left for a loaded machine to get there)
        assertThat(finish.get()).isBetween(Duration.ofSeconds(9), Duration.ofSeconds(10));
        assertThat(close.get()).isBetween(Duration.ofSeconds(9), Duration.ofSeconds(11));
    }

    @Test
    void aStepThatOverrunsIsCutOffAndInterruptedWithoutRobbingLaterPhases() throws InterruptedException {
        Lifecycle lifecycle = Lifecycle.create();
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicReference<Duration> resignBudget = new AtomicReference<>();
        lifecycle.register(DrainPhase.FINISH_IN_FLIGHT, "stuck handler", budget -> {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        lifecycle.register(DrainPhase.RESIGN_LEADERSHIP, "resign", resignBudget::set);

        DrainReport report = lifecycle.drain(Duration.ofMillis(4_800));

        assertThat(report.steps().get(0).outcome()).isEqualTo(Outcome.OVERRAN);
        assertThat(report.steps().get(1).outcome()).isEqualTo(Outcome.COMPLETED);
        // weights 10 and 2: the stuck step had 4 s, the resignation keeps about its 800 ms (less what cutting the
        // stuck step off took on the real clock: up to 400 ms are left for a loaded machine)
        assertThat(resignBudget.get()).isBetween(Duration.ofMillis(400), Duration.ofMillis(800));
        assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(report.clean()).isFalse();
    }

    @Test
    void aFailingStepIsReportedAndTheDrainGoesOn() {
        Lifecycle lifecycle = Lifecycle.create();
        lifecycle.register(DrainPhase.CHECKPOINT, "checkpoint", budget -> {
            throw new IllegalStateException("state store down");
        });
        lifecycle.register(DrainPhase.CLOSE_CLIENTS, "close", records("close"));

        DrainReport report = lifecycle.drain(Duration.ofSeconds(5));

        assertThat(report.steps().get(0).outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.steps().get(0).error()).contains("state store down");
        assertThat(ran).containsExactly("close");
    }

    @Test
    void stepsOfOnePhaseRunAtOnce() {
        Lifecycle lifecycle = Lifecycle.create();
        CountDownLatch both = new CountDownLatch(2);
        DrainStep meet = budget -> {
            both.countDown();
            try {
                assertThat(both.await(5, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        lifecycle.register(DrainPhase.LEAVE_POOLS, "a", meet);
        lifecycle.register(DrainPhase.LEAVE_POOLS, "b", meet);

        assertThat(lifecycle.drain(Duration.ofSeconds(10)).clean()).isTrue();
    }

    @Test
    void readinessTurnsFalseBeforeTheFirstStepAndListenersHearBothEnds() {
        Lifecycle lifecycle = Lifecycle.create();
        AtomicBoolean readyDuringStep = new AtomicBoolean(true);
        lifecycle.register(DrainPhase.STOP_CLAIMING, "stop", budget -> readyDuringStep.set(lifecycle.isReady()));
        lifecycle.addListener(new LifecycleListener() {
            @Override
            public void onTerminationNotice(TerminationNotice notice) {
                ran.add("notice " + notice.budget().toMillis() + " ready=" + lifecycle.isReady());
            }

            @Override
            public void onDrained(DrainReport report) {
                ran.add("drained " + report.steps().size());
            }
        });
        assertThat(lifecycle.isReady()).isTrue();

        lifecycle.drain(Duration.ofSeconds(3));

        assertThat(readyDuringStep).isFalse();
        assertThat(lifecycle.isDraining()).isTrue();
        assertThat(ran).containsExactly("notice 3000 ready=false", "drained 1");
    }

    @Test
    void theDrainRunsOnceAndLaterCallsGetItsReport() throws InterruptedException {
        Lifecycle lifecycle = Lifecycle.create();
        lifecycle.register(DrainPhase.CLOSE_CLIENTS, "close", records("close"));

        DrainReport first = lifecycle.drain(Duration.ofSeconds(2));
        DrainReport second = lifecycle.drain(TerminationNotice.Trigger.HTTP, Duration.ofSeconds(9));

        assertThat(second).isSameAs(first);
        assertThat(ran).containsExactly("close");
        assertThat(lifecycle.lastReport()).containsSame(first);
        assertThat(lifecycle.awaitDrained(Duration.ZERO)).containsSame(first);
        assertThatThrownBy(() -> lifecycle.register(DrainPhase.CLOSE_CLIENTS, "late", records("late")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already begun");
    }

    @Test
    void aClosedRegistrationDoesNotRun() {
        Lifecycle lifecycle = Lifecycle.create();
        lifecycle.register(DrainPhase.CLOSE_CLIENTS, "gone", records("gone")).close();
        lifecycle.closeAtDrain(DrainPhase.CLOSE_CLIENTS, "kept", () -> ran.add("kept"));

        lifecycle.drain(Duration.ofSeconds(1));

        assertThat(ran).containsExactly("kept");
    }

    @Test
    void metricsCountStepsByPhaseAndOutcomeAndReadiness() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Lifecycle lifecycle = Lifecycle.builder().meterRegistry(registry).build();
        lifecycle.register(DrainPhase.CLOSE_CLIENTS, "close", records("close"));
        assertThat(registry.get(Lifecycle.READY).gauge().value()).isEqualTo(1);

        lifecycle.drain(Duration.ofSeconds(1));

        assertThat(registry.get(Lifecycle.READY).gauge().value()).isZero();
        assertThat(registry.get(Lifecycle.DRAIN_STEPS).tag("phase", "close_clients").tag("outcome", "completed")
                .timer().count()).isEqualTo(1);
    }

    @Test
    void badArgumentsAreRefusedWithTheirNames() {
        Lifecycle lifecycle = Lifecycle.create();
        assertThatThrownBy(() -> lifecycle.drain(Duration.ZERO)).hasMessageContaining("deadline must be positive");
        assertThatThrownBy(() -> lifecycle.register(DrainPhase.CHECKPOINT, " ", records("x")))
                .hasMessageContaining("name must not be blank");
        assertThatThrownBy(() -> Lifecycle.builder().drainDeadline(Duration.ofSeconds(-1)))
                .hasMessageContaining("drainDeadline must be positive");
        assertThat(lifecycle.isDraining()).isFalse();
    }
}

package io.patternkit.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.patternkit.core.SidecarClient;
import io.patternkit.core.SidecarConfig;
import io.patternkit.core.SidecarReadiness;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The health checks and info contributions a {@link Lifecycle} holds for the upward API. */
class LifecycleHealthTest {
    /** A sidecar client whose readiness the test sets, and that records being closed. */
    private static final class StubClient implements SidecarClient, AutoCloseable {
        final AtomicReference<SidecarReadiness> readiness = new AtomicReference<>(
                new SidecarReadiness(true, "UP", Optional.empty()));
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public SidecarConfig config() {
            return SidecarConfig.builder().build();
        }

        @Override
        public SidecarReadiness readiness() {
            return readiness.get();
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    @Test
    void readinessHasTheDrainCheckWhichTurnsDownWhenTheDrainBegins() {
        Lifecycle lifecycle = Lifecycle.create();
        assertThat(lifecycle.health(HealthProbe.READINESS).checks()).containsOnlyKeys("drain");
        assertThat(lifecycle.health(HealthProbe.READINESS).up()).isTrue();
        assertThat(lifecycle.health(HealthProbe.LIVENESS).checks()).isEmpty();

        lifecycle.drain(Duration.ofSeconds(1));

        HealthReport ready = lifecycle.health(HealthProbe.READINESS);
        assertThat(ready.up()).isFalse();
        assertThat(ready.checks().get("drain").detail()).contains("draining");
        assertThat(lifecycle.health(HealthProbe.LIVENESS).up()).isTrue();
    }

    @Test
    void aRegisteredClientMakesReadinessFollowItsSidecarAndIsClosedByTheDrain() {
        Lifecycle lifecycle = Lifecycle.create();
        StubClient client = new StubClient();
        lifecycle.registerClient("work-queue", client);
        assertThat(lifecycle.health(HealthProbe.READINESS).up()).isTrue();

        client.readiness.set(new SidecarReadiness(false, "UNREACHABLE", Optional.of("connection refused")));

        HealthReport ready = lifecycle.health(HealthProbe.READINESS);
        assertThat(ready.up()).isFalse();
        assertThat(ready.checks().get("sidecar of work-queue").detail()).contains("sidecar unreachable: connection refused");
        DrainReport report = lifecycle.drain(Duration.ofSeconds(2));
        assertThat(client.closed).isTrue();
        assertThat(report.steps()).anySatisfy(s -> {
            assertThat(s.phase()).isEqualTo(DrainPhase.CLOSE_CLIENTS);
            assertThat(s.name()).isEqualTo("work-queue client");
        });
    }

    @Test
    void closingARegistrationRemovesTheCheckAndASecondCheckOfOneNameGetsASuffix() {
        Lifecycle lifecycle = Lifecycle.create();
        Lifecycle.Registration check = lifecycle.registerHealthCheck(HealthProbe.READINESS, "index",
                () -> HealthCheckResult.unhealthy("loading"));
        lifecycle.registerHealthCheck(HealthProbe.READINESS, " index ", HealthCheckResult::healthy);
        lifecycle.registerHealthCheck(HealthProbe.LIVENESS, "index", HealthCheckResult::healthy);
        assertThat(lifecycle.health(HealthProbe.READINESS).checks()).containsOnlyKeys("drain", "index", "index (2)");
        assertThat(lifecycle.health(HealthProbe.LIVENESS).checks()).containsOnlyKeys("index");
        assertThat(lifecycle.health(HealthProbe.READINESS).up()).isFalse();

        check.close();

        assertThat(lifecycle.health(HealthProbe.READINESS).checks()).containsOnlyKeys("drain", "index (2)");
        assertThat(lifecycle.health(HealthProbe.READINESS).up()).isTrue();
        assertThatThrownBy(() -> lifecycle.registerHealthCheck(HealthProbe.READINESS, " ", HealthCheckResult::healthy))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDeadlockFailsTheDeadlockCheck() throws Exception {
        HealthCheck check = HealthCheck.noDeadlockedThreads();
        assertThat(check.check().up()).isTrue();
        Object a = new Object();
        Object b = new Object();
        CountDownLatch bothHoldOne = new CountDownLatch(2);
        Thread first = deadlocking("deadlock-first", a, b, bothHoldOne);
        Thread second = deadlocking("deadlock-second", b, a, bothHoldOne);
        first.start();
        second.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> !check.check().up());
        assertThat(check.check().detail()).hasValueSatisfying(d -> assertThat(d)
                .startsWith("2 threads deadlocked").contains("'deadlock-first'").contains("'deadlock-second'"));
    }

    private static Thread deadlocking(String name, Object firstLock, Object secondLock,
            CountDownLatch bothHoldOne) {
        Thread t = new Thread(() -> {
            synchronized (firstLock) {
                bothHoldOne.countDown();
                try {
                    bothHoldOne.await();
                } catch (InterruptedException e) {
                    return;
                }
                synchronized (secondLock) {
                    bothHoldOne.countDown();
                }
            }
        }, name);
        t.setDaemon(true); // deadlocked for good: the JVM exits without it
        return t;
    }

    @Test
    void infoReadsEachContributionWhenAsked() {
        Lifecycle lifecycle = Lifecycle.create();
        AtomicReference<String> state = new AtomicReference<>("idle");
        lifecycle.registerInfo("worker", () -> Map.of("state", state.get()));
        assertThat(lifecycle.info()).containsEntry("worker", Map.of("state", "idle"));

        state.set("busy");

        assertThat(lifecycle.info()).containsEntry("worker", Map.of("state", "busy"));
        lifecycle.registerInfo("worker", () -> 1);
        assertThat(lifecycle.info()).containsEntry("worker (2)", 1);
    }
}

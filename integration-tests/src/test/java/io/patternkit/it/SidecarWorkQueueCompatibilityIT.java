package io.patternkit.it;

import static org.awaitility.Awaitility.await;

import io.patternkit.core.SidecarConfig;
import io.patternkit.testing.SidecarProcess;
import io.patternkit.testing.WorkQueueCompatibilityKit;
import io.patternkit.workqueue.WorkQueue;
import io.patternkit.workqueue.WorkQueueClient;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The work-queue compatibility kit against a real sidecar process on SQLite: one sidecar for the class,
 * a fresh queue per test. Time is real, so {@link #advance(Duration)} waits.
 */
class SidecarWorkQueueCompatibilityIT extends WorkQueueCompatibilityKit {
    private static SidecarProcess sidecar;
    private static WorkQueueClient client;

    @BeforeAll
    static void startSidecar() {
        sidecar = SidecarProcess.workqueue()
                .args("--backoff-base", "200ms", "--backoff-max", "800ms", "--dedup-window", "1s")
                .start();
        client = WorkQueueClient.create(SidecarConfig.builder().baseUrl(sidecar.baseUrl())
                .callTimeout(Duration.ofSeconds(5)).retryBackoff(Duration.ofMillis(50)).build());
    }

    @AfterAll
    static void stopSidecar() {
        if (client != null) {
            client.close();
        }
        if (sidecar != null) {
            sidecar.close();
        }
    }

    @Override
    protected WorkQueue newQueue() {
        return client.queue("compat-" + UUID.randomUUID());
    }

    /** Real time on a busy 2-core machine: 1 s, so that a claimed item cannot come back before the test looks. */
    @Override
    protected Duration shortDuration() {
        return Duration.ofSeconds(1);
    }

    @Override
    protected void advance(Duration duration) {
        await().pollDelay(duration).atMost(duration.plusSeconds(5)).until(() -> true);
    }
}

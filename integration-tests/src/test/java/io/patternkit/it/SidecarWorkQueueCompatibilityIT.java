package io.patternkit.it;

import static org.awaitility.Awaitility.await;

import io.patternkit.core.SidecarConfig;
import io.patternkit.testing.SidecarProcess;
import io.patternkit.testing.WorkQueueCompatibilityKit;
import io.patternkit.workqueue.WorkQueue;
import io.patternkit.workqueue.WorkQueueClient;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.TestInstance;

/**
 * The work-queue compatibility kit against a real sidecar process on SQLite: one sidecar for the class,
 * a fresh queue per test. Time is real, so {@link Kit#advance(Duration)} waits.
 */
class SidecarWorkQueueCompatibilityIT {
    /**
     * The options the kit needs of a sidecar: quick nack backoffs and a short dedup window, which must
     * outlast {@link Kit#shortDuration()} plus the tolerance, or an acked item is purged before a test counts it.
     */
    static final String[] KIT_OPTIONS = {"--backoff-base", "200ms", "--backoff-max", "800ms", "--dedup-window", "3s"};

    /** The kit against the sidecar at {@link #sidecarUrl()}, started with {@link #KIT_OPTIONS}. */
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class Kit extends WorkQueueCompatibilityKit {
        private WorkQueueClient client;

        /** @return the base URL of a running sidecar serving the work queue */
        abstract URI sidecarUrl();

        @BeforeAll
        void connect() {
            client = WorkQueueClient.create(SidecarConfig.builder().baseUrl(sidecarUrl())
                    .callTimeout(Duration.ofSeconds(5)).retryBackoff(Duration.ofMillis(50)).build());
        }

        @AfterAll
        void disconnect() {
            if (client != null) {
                client.close();
            }
        }

        @Override
        protected WorkQueue newQueue() {
            return client.queue("compat-" + UUID.randomUUID());
        }

        /** The sidecar's {@code --dedup-window} in {@link #KIT_OPTIONS}. */
        @Override
        protected Duration dedupWindow() {
            return Duration.ofSeconds(3);
        }

        /**
         * An instant the sidecar reports is taken one to three HTTP round trips and SQLite commits after the one the
         * kit expects it near; on a loaded 2-core machine a collection, a WAL checkpoint's fsync or a starved thread
         * between them outlasts the kit's 150 ms. 500 ms still tells a time counted from the call from one counted
         * from anything else, and the dedup window (3 s) still outlasts the short duration (1 s) plus it.
         */
        @Override
        protected Duration tolerance() {
            return Duration.ofMillis(500);
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

    /** Against the work-queue shorthand. */
    @Nested
    class Shorthand extends Kit {
        private SidecarProcess sidecar;

        @Override
        URI sidecarUrl() {
            if (sidecar == null) {
                sidecar = SidecarProcess.workqueue().args(KIT_OPTIONS).start();
            }
            return sidecar.baseUrl();
        }

        @AfterAll
        void stopSidecar() {
            if (sidecar != null) {
                sidecar.close();
            }
        }
    }
}

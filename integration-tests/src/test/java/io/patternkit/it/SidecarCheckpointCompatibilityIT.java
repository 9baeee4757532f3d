package io.patternkit.it;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patternkit.core.ProtocolException;
import io.patternkit.core.SidecarConfig;
import io.patternkit.lifecycle.CheckpointClient;
import io.patternkit.lifecycle.CheckpointStore;
import io.patternkit.testing.CheckpointStoreCompatibilityKit;
import io.patternkit.testing.SidecarProcess;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The checkpoint kit against a real {@code run --patterns checkpoint} sidecar, on SQLite and on PostgreSQL. */
class SidecarCheckpointCompatibilityIT {
    @Test
    void aSidecarThatDoesNotRunCheckpointsIsAWrongUrlNotAnAbsentCheckpoint() {
        try (SidecarProcess leaderOnly = SidecarProcess.run("leader").start();
                CheckpointClient client = CheckpointClient.create(SidecarConfig.builder().baseUrl(leaderOnly.baseUrl())
                        .callTimeout(Duration.ofSeconds(5)).build())) {
            assertThatThrownBy(() -> client.read("progress")).isExactlyInstanceOf(ProtocolException.class)
                    .hasMessageContaining("404 route-not-found").hasMessageContaining("runs this pattern");
        }
    }

    /** The kit against a sidecar process on an engine. */
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class Kit extends CheckpointStoreCompatibilityKit {
        private SidecarProcess sidecar;
        private CheckpointClient client;

        abstract Engine engine();

        @BeforeAll
        void start() {
            assumeTrue(engine().available(), "PATTERNKIT_TEST_JDBC_URL not set");
            SidecarProcess.Builder b = SidecarProcess.run("checkpoint");
            sidecar = (engine() == Engine.POSTGRES ? b.postgres(Engine.JDBC_URL) : b).start();
            client = CheckpointClient.create(SidecarConfig.builder().baseUrl(sidecar.baseUrl())
                    .callTimeout(Duration.ofSeconds(5)).build());
        }

        @AfterAll
        void stop() {
            if (client != null) {
                client.close();
            }
            if (sidecar != null) {
                sidecar.close();
            }
        }

        @Override
        protected CheckpointStore store() {
            return client;
        }
    }

    @Nested
    class Sqlite extends Kit {
        @Override
        Engine engine() {
            return Engine.SQLITE;
        }
    }

    @Nested
    class Postgres extends Kit {
        @Override
        Engine engine() {
            return Engine.POSTGRES;
        }
    }
}

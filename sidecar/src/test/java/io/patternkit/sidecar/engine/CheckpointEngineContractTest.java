package io.patternkit.sidecar.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.patternkit.sidecar.checkpoint.CheckpointEngine;
import io.patternkit.sidecar.checkpoint.StoredCheckpoint;
import io.patternkit.sidecar.common.Ticker;
import io.patternkit.sidecar.engine.kubernetes.KubernetesCheckpointEngine;
import io.patternkit.sidecar.engine.kubernetes.KubernetesEngines;
import io.patternkit.sidecar.engine.postgres.PostgresEngines;
import io.patternkit.sidecar.engine.sqlite.SqliteEngines;
import io.patternkit.sidecar.host.EngineFamily;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint engine's contract, on the SQLite file, on a real PostgreSQL server, and on ConfigMaps in fabric8's
 * mock API server in CRUD mode (which keeps objects, assigns resourceVersions and answers 409 to a stale one).
 */
class CheckpointEngineContractTest {
    abstract static class Contract {
        private EngineFamily family;
        CheckpointEngine engine;
        final String name = "cp-" + UUID.randomUUID();

        abstract EngineFamily family();

        @BeforeEach
        void open() {
            family = family();
            engine = family.open(CheckpointEngine.class).orElseThrow();
        }

        @AfterEach
        void close() {
            if (family != null) {
                family.close();
            }
        }

        @Test
        void nothingSavedReadsEmpty() {
            assertThat(engine.read(name)).isEmpty();
        }

        @Test
        void savesCountVersionsAndKeepTheStateAsSent() {
            String state = "{ \"b\" : [1, 2.50, 1e3],\n \"a\":\"\\u00e9\" }";
            StoredCheckpoint first = engine.save(name, state, null, null).orElseThrow();
            assertThat(first.version()).isEqualTo(1);
            assertThat(first.fence()).isZero();
            StoredCheckpoint second = engine.save(name, "2", 1L, null).orElseThrow();
            assertThat(second.version()).isEqualTo(2);
            assertThat(engine.read(name)).map(StoredCheckpoint::stateJson).contains("2");
            engine.save(name + "-x", state, null, null);
            assertThat(engine.read(name + "-x")).map(StoredCheckpoint::stateJson).contains(state);
        }

        @Test
        void aSaveExpectingAnotherVersionChangesNothing() {
            engine.save(name, "1", 0L, null).orElseThrow();
            assertThat(engine.save(name, "2", 0L, null)).isEmpty();
            assertThat(engine.save(name, "2", 5L, null)).isEmpty();
            assertThat(engine.save(name + "-none", "2", 3L, null)).as("expected 3 of a checkpoint never saved").isEmpty();
            assertThat(engine.read(name)).map(StoredCheckpoint::version).contains(1L);
            assertThat(engine.read(name)).map(StoredCheckpoint::stateJson).contains("1");
        }

        @Test
        void aRestoreRaisesTheFenceSoThatAnOlderTermCannotWriteAnyMore() {
            engine.save(name, "\"batch 7\"", null, 5L).orElseThrow();
            StoredCheckpoint restored = engine.restore(name, 6);
            assertThat(restored.stateJson()).isEqualTo("\"batch 7\"");
            assertThat(restored.fence()).isEqualTo(6);
            assertThat(engine.save(name, "\"batch 8 from the old term\"", null, 5L)).isEmpty();
            assertThat(engine.save(name, "\"batch 8\"", 1L, 6L)).map(StoredCheckpoint::version).contains(2L);
            assertThat(engine.restore(name, 4).fence()).as("a restore never lowers the fence").isEqualTo(6);
            assertThat(engine.save(name, "\"x\"", null, null)).as("an unfenced save still works").isPresent();
        }

        @Test
        void aRestoreOfNothingCreatesAnEmptyFencedCheckpointThatTheFirstSaveFills() {
            StoredCheckpoint empty = engine.restore(name, 3);
            assertThat(empty.version()).isZero();
            assertThat(empty.stateJson()).isNull();
            assertThat(engine.save(name, "1", 0L, 2L)).as("older token").isEmpty();
            assertThat(engine.save(name, "1", 0L, 3L)).map(StoredCheckpoint::version).contains(1L);
        }

        @Test
        void answersPing() {
            engine.ping(); // throws when the engine does not answer
        }
    }

    @Nested
    class Sqlite extends Contract {
        @TempDir
        Path dir;

        @Override
        EngineFamily family() {
            return SqliteEngines.onMachineClock(dir);
        }
    }

    @Nested
    class Kubernetes extends Contract {
        private KubernetesMockServer server;

        @Override
        EngineFamily family() {
            server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                    new KubernetesCrudDispatcher(), false);
            server.init();
            return new KubernetesEngines(server.url("/"), "checkpoints", Ticker.system());
        }

        @AfterEach
        void stopServer() {
            server.destroy();
        }

        @Test
        void anotherSidecarsWriteToTheConfigMapIsSeenByTheConditions() {
            engine.save(name, "1", null, null).orElseThrow();
            try (KubernetesClient other = server.createClient()) {
                // Another sidecar's save lands first: version 2, fenced by token 9.
                KubernetesCheckpointEngine.using(other, "checkpoints").save(name, "2", 1L, 9L).orElseThrow();
            }
            assertThat(engine.save(name, "3", 1L, null)).as("expected version 1, now 2").isEmpty();
            assertThat(engine.save(name, "3", null, 8L)).as("fenced by 9").isEmpty();
            assertThat(engine.read(name)).map(StoredCheckpoint::stateJson).contains("2");
        }

        @Test
        void namesWithCapitalsAndUnderscoresMapToDistinctValidConfigMapNames() {
            String a = KubernetesCheckpointEngine.configMapName("Report_Progress");
            String b = KubernetesCheckpointEngine.configMapName("report-progress");
            assertThat(a).isNotEqualTo(b).matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?").hasSizeLessThanOrEqualTo(253);
            assertThat(KubernetesCheckpointEngine.configMapName("x".repeat(128))).hasSizeLessThan(80);
            engine.save("Report_Progress", "\"A\"", null, null);
            engine.save("report-progress", "\"b\"", null, null);
            assertThat(engine.read("Report_Progress")).map(StoredCheckpoint::stateJson).contains("\"A\"");
        }
    }

    @Nested
    class Postgres extends Contract {
        private static final String URL = System.getenv("PATTERNKIT_TEST_JDBC_URL");

        @Override
        EngineFamily family() {
            assumeTrue(URL != null && !URL.isBlank(), "PATTERNKIT_TEST_JDBC_URL is not set");
            return new PostgresEngines(URL, null);
        }
    }
}

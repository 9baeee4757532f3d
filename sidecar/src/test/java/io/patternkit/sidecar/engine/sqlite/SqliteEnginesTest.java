package io.patternkit.sidecar.engine.sqlite;

import io.patternkit.sidecar.workqueue.AckOutcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patternkit.sidecar.workqueue.Backoff;
import io.patternkit.sidecar.workqueue.ClaimedItem;
import io.patternkit.sidecar.workqueue.NewItem;
import io.patternkit.sidecar.workqueue.QueueEngine;
import io.patternkit.sidecar.common.EngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded engine as the sidecar itself opens it: {@link SqliteEngines#onMachineClock}, not a test's clock. */
class SqliteEnginesTest {
    private static final int ITEMS = 5_000;

    @TempDir
    Path dir;

    /**
     * The machine clock adds its table when the file opens; a new file made incrementally vacuumed only when it had
     * no table yet stayed without it, so a sidecar's purges never gave pages back (the engine tests, on a test's
     * clock, did not see it).
     */
    @Test
    void aFileTheSidecarMakesGivesPurgedPagesBackToTheFileSystem() throws Exception {
        Path file = dir.resolve("patternkit.db");
        long full;
        try (SqliteEngines engines = SqliteEngines.onMachineClock(dir)) {
            QueueEngine queue = engines.open(QueueEngine.Opener.class).orElseThrow().open(new Backoff(1_000, 4_000));
            NewItem item = new NewItem("{\"text\":\"" + "x".repeat(400) + "\"}", null, null, 0, 0, 5, 0);
            queue.enqueue("q", Collections.nCopies(ITEMS, item));
            for (List<ClaimedItem> claimed = queue.claim("q", 1_000, 60_000); !claimed.isEmpty();
                    claimed = queue.claim("q", 1_000, 60_000)) {
                assertThat(queue.ackAll("q", claimed.stream().map(ClaimedItem::receipt).toList())).containsOnly(AckOutcome.ACKED);
            }
            full = Files.size(file);
            assertThat(queue.purgeAcked(0, 0)).isEqualTo(ITEMS);
        }
        assertThat(pragma(file, "auto_vacuum")).as("auto_vacuum (2 is INCREMENTAL)").isEqualTo(2);
        assertThat(pragma(file, "freelist_count")).isZero();
        assertThat(Files.size(file)).isLessThan(full / 4);
    }

    /**
     * A file deleted or replaced under a running sidecar (a restored backup) keeps answering its open connections,
     * while sidecars started since open the new one: readiness must say so, or two sidecars lead the same election.
     */
    @Test
    void aFileDeletedOrReplacedUnderTheSidecarFailsItsReadiness() throws Exception {
        Path file = dir.resolve("patternkit.db");
        try (SqliteEngines engines = SqliteEngines.onMachineClock(dir)) {
            QueueEngine queue = engines.open(QueueEngine.Opener.class).orElseThrow().open(new Backoff(1_000, 4_000));
            queue.ping();
            Path aside = Files.move(file, dir.resolve("moved.db"));
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(queue::ping)
                    .isInstanceOf(EngineException.class).hasMessageContaining("was deleted after this sidecar opened it"));
            Files.copy(aside, file);
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(queue::ping)
                    .hasMessageContaining("was replaced by another file"));
        }
    }

    private static long pragma(Path file, String name) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

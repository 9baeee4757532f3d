package io.patternkit.sidecar.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.patternkit.sidecar.engine.jdbc.JdbcQueueEngine;
import io.patternkit.sidecar.engine.sqlite.SqliteQueueEngine;
import io.patternkit.sidecar.workqueue.Backoff;
import io.patternkit.sidecar.workqueue.ClaimedItem;
import io.patternkit.sidecar.workqueue.NewItem;
import io.patternkit.sidecar.workqueue.QueueEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine contract on a temporary SQLite file, with time driven by a manual clock. */
class SqliteQueueEngineTest extends QueueEngineContractTest {
    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Override
    protected QueueEngine open(Backoff backoff) {
        return SqliteQueueEngine.open(dir.resolve("patternkit.db"), clock, backoff);
    }

    @Override
    protected void pass(Duration d) {
        clock.advance(d);
    }

    @Override
    protected long now() {
        return clock.millis();
    }

    @Override
    protected long unit() {
        return 1_000;
    }

    @Override
    protected long tolerance() {
        return 0;
    }

    @Test
    void thePurgeGivesTheFreedPagesBackToTheFileSystem() throws Exception {
        Path file = dir.resolve("patternkit.db");
        ackMany(10_000, "{\"text\":\"" + "x".repeat(400) + "\"}");
        long full = Files.size(file);
        assertThat(engine.purgeAcked(3_600_000, 0)).isEqualTo(10_000);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("PRAGMA freelist_count")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
        assertThat(Files.size(file)).isLessThan(full / 4);
    }

    @Test
    void anAckOfManyReceiptsLooksEachUpByIdInsteadOfWalkingTheQueuesAckedRows() throws Exception {
        Path file = dir.resolve("plan.db");
        try (QueueEngine engine = SqliteQueueEngine.open(file, clock, new Backoff(1_000, 4_000))) {
            engine.enqueue("q", List.of(new NewItem("{}", null, null, 0, 0, 5, 0)));
        }
        // Without NOT INDEXED, SQLite plans this with 500 ids as a search of the (queue, state) index.
        String sql = JdbcQueueEngine.ackStatement(SqliteQueueEngine.ITEMS_BY_ID, 500).replace("pk_now_ms()", "0");
        assertThat(plan(file, sql.replace("?", "1"))).anyMatch(step -> step.startsWith("SEARCH workqueue_items USING INTEGER PRIMARY KEY"))
                .noneMatch(step -> step.contains("INDEX workqueue_items_"));
    }

    @Test
    void bothStatementsOfThePurgeWalkTheIndexOfAckedRowsAlone() throws Exception {
        Path file = dir.resolve("purge-plan.db");
        List<String> purges;
        try (SqliteQueueEngine engine = SqliteQueueEngine.open(file, clock, new Backoff(1_000, 4_000))) {
            purges = engine.purgeStatements();
        }
        assertThat(plan(file, purges.get(0).replace("pk_now_ms()", "0"))).anyMatch(step -> step.matches(
                "SEARCH workqueue_items USING (COVERING )?INDEX workqueue_items_purge_acked \\(purge_at<\\?\\)"));
        assertThat(plan(file, purges.get(1).replace("pk_now_ms()", "0").replace("?", "1"))).anyMatch(step -> step.matches(
                "SEARCH workqueue_items USING (COVERING )?INDEX workqueue_items_purge_acked \\(purge_at=\\?\\)"));
    }

    /** Sidecars before 7 December wrote a delayed item as a ready row visible later; one may still share the file. */
    @Test
    void aReadyRowVisibleLaterAsOlderSidecarsWroteDelayedItemsWaitsForItsTime() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("patternkit.db"));
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO workqueue_items (queue, state, payload, priority, max_attempts, attempt, epoch, "
                    + "enqueued_at, visible_at, dedup_window_ms) VALUES ('" + queue + "', 'ready', '{}', 0, 5, 0, 0, "
                    + clock.millis() + ", " + (clock.millis() + 10_000) + ", 0)");
        }
        assertThat(engine.claim(queue, 1, 30_000)).isEmpty();
        assertThat(engine.stats(queue).delayed()).isEqualTo(1);
        assertThat(engine.millisUntilNextVisible(queue)).hasValue(10_000);
        clock.advance(Duration.ofSeconds(10));
        assertThat(engine.claim(queue, 1, 30_000)).hasSize(1);
    }

    /** Not past claimed or delayed items: they are not in the index the claim walks (docs/benchmarks.md, section 13). */
    @Test
    void theClaimWalksReadyRowsInClaimOrderAndSearchesOnlyLapsedClaimsAndEndedDelays() throws Exception {
        Path file = dir.resolve("claim-plan.db");
        SqliteQueueEngine.open(file, clock, new Backoff(1_000, 4_000)).close();
        String walk = "SEARCH workqueue_items USING INDEX workqueue_items_claim_ready (queue=?)";
        List<String> usual = plan(file, bound(SqliteQueueEngine.claimStatement(false)));
        assertThat(usual).contains(walk).noneMatch(step -> step.startsWith("USE TEMP B-TREE"))
                .filteredOn(step -> step.startsWith("SEARCH workqueue_items") || step.startsWith("SCAN workqueue_items"))
                .containsExactlyInAnyOrder(walk, "SEARCH workqueue_items USING INTEGER PRIMARY KEY (rowid=?)");
        List<String> full = plan(file, bound(SqliteQueueEngine.claimStatement(true)));
        assertThat(full).contains(walk).noneMatch(step -> step.startsWith("SCAN workqueue_items"))
                .filteredOn(step -> step.startsWith("SEARCH workqueue_items USING INDEX workqueue_items_claim "))
                .containsExactly("SEARCH workqueue_items USING INDEX workqueue_items_claim (queue=? AND state=? AND visible_at<?)",
                        "SEARCH workqueue_items USING INDEX workqueue_items_claim (queue=? AND state=? AND visible_at<?)");
        // Each kind in claim order or in the order it lapsed or came due, a window of it; only the merge is sorted.
        assertThat(full.stream().filter(step -> step.startsWith("USE TEMP B-TREE FOR ORDER BY")).count()).isEqualTo(1);
    }

    private static String bound(String claim) {
        return claim.replace("pk_now_ms()", "0").replace("?1", "1").replace("?2", "'q'").replace("?3", "10");
    }

    @Test
    void theLookUpOfDuplicatesWalksTheIndexOfKeyedItems() throws Exception {
        Path file = dir.resolve("dedup-plan.db");
        SqliteQueueEngine.open(file, clock, new Backoff(1_000, 4_000)).close();
        assertThat(plan(file, JdbcQueueEngine.duplicatesStatement(2).replace("?", "'a'")))
                .anyMatch(step -> step.matches("SEARCH workqueue_items USING (COVERING )?INDEX workqueue_items_dedup_keyed .*"));
    }

    @Test
    void aFileMadeWithIndexesOverEveryRowGetsThePartialIndexesInstead() throws Exception {
        Path file = dir.resolve("old-indexes.db");
        SqliteQueueEngine.open(file, clock, new Backoff(1_000, 4_000)).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("DROP INDEX workqueue_items_purge_acked"); // as until 6 December:
            st.execute("DROP INDEX workqueue_items_dedup_keyed");
            st.execute("CREATE UNIQUE INDEX workqueue_items_dedup ON workqueue_items (queue, dedup_key)");
            st.execute("CREATE INDEX workqueue_items_purge ON workqueue_items (state, purge_at)");
            st.execute("CREATE INDEX workqueue_items_acked ON workqueue_items (state, acked_at)");
            st.execute("DROP INDEX workqueue_items_claim_ready"); // as until 7 December:
            st.execute("CREATE INDEX workqueue_items_claim_order ON workqueue_items (queue, priority DESC, id) "
                    + "WHERE state IN ('ready', 'inflight')");
        }
        SqliteQueueEngine.open(file, clock, new Backoff(1_000, 4_000)).close();
        List<String> indexes = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'workqueue_items'"
                        + " AND sql IS NOT NULL")) {
            while (rs.next()) {
                indexes.add(rs.getString(1));
            }
        }
        assertThat(indexes).containsExactlyInAnyOrder("workqueue_items_dedup_keyed", "workqueue_items_claim",
                "workqueue_items_purge_acked", "workqueue_items_claim_ready");
    }

    private static List<String> plan(Path file, String sql) throws Exception {
        List<String> plan = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("EXPLAIN QUERY PLAN " + sql)) {
            while (rs.next()) {
                plan.add(rs.getString("detail"));
            }
        }
        return plan;
    }

    @Test
    void theStatisticsReadRowsOnlyOfLapsedClaimsAndCountTheRestFromTheIndex() throws Exception {
        Path file = dir.resolve("stats-plan.db");
        String sql;
        try (SqliteQueueEngine engine = SqliteQueueEngine.open(file, clock, new Backoff(1_000, 4_000))) {
            sql = engine.statsStatement().replace("?", "'q'").replace("pk_now_ms()", "0");
        }
        List<String> plan = plan(file, sql);
        List<String> readingRows = plan.stream()
                .filter(step -> step.startsWith("SEARCH workqueue_items USING INDEX")).toList();
        // Two counts and the oldest redelivery, each over the in-flight items whose visibility has lapsed.
        assertThat(readingRows).hasSize(3).allMatch(step -> step.endsWith("(queue=? AND state=? AND visible_at<?)"));
        assertThat(plan).noneMatch(step -> step.startsWith("SCAN workqueue_items"))
                .filteredOn(step -> step.startsWith("SEARCH workqueue_items")).hasSize(10)
                .allMatch(step -> readingRows.contains(step) || step.contains("USING COVERING INDEX workqueue_items_claim")
                        || step.contains("USING INTEGER PRIMARY KEY"));
    }

    @Test
    void aFileFromBeforeThePerItemWindowIsUpgradedAndItsAckedRowsGoByThePurgersWindow() throws Exception {
        Path old = dir.resolve("old.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE workqueue_items (id INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL, "
                    + "state TEXT NOT NULL, payload TEXT, file_ref TEXT, dedup_key TEXT, priority INTEGER NOT NULL, "
                    + "max_attempts INTEGER NOT NULL, attempt INTEGER NOT NULL, epoch INTEGER NOT NULL, "
                    + "enqueued_at INTEGER NOT NULL, visible_at INTEGER NOT NULL, reason TEXT, dead_at INTEGER, "
                    + "acked_at INTEGER)");
            long anHourAgo = clock.millis() - 3_600_000;
            st.execute("INSERT INTO workqueue_items (queue, state, payload, dedup_key, priority, max_attempts, attempt, "
                    + "epoch, enqueued_at, visible_at, acked_at) VALUES ('q', 'acked', '{}', 'legacy', 0, 5, 1, 1, "
                    + anHourAgo + ", " + anHourAgo + ", " + anHourAgo + ")");
        }
        for (int open = 0; open < 2; open++) { // the second open finds the columns there already
            try (QueueEngine upgraded = SqliteQueueEngine.open(old, clock, new Backoff(1_000, 4_000))) {
                if (open == 0) {
                    assertThat(upgraded.purgeAcked(7_200_000, 0)).isZero(); // acked an hour ago, the purger keeps two
                    assertThat(upgraded.purgeAcked(60_000, 0)).isEqualTo(1);
                }
                long id = upgraded.enqueue("q", List.of(new NewItem("{}", null, "new-" + open, 0, 0, 5, 0))).get(0).id();
                ClaimedItem item = upgraded.claim("q", 1, 30_000).get(0);
                assertThat(item.id()).isEqualTo(id);
                assertThat(upgraded.ack("q", item.receipt())).isTrue();
                assertThat(upgraded.purgeAcked(3_600_000, 0)).isEqualTo(1); // its own window of 0 has passed
            }
        }
    }
}

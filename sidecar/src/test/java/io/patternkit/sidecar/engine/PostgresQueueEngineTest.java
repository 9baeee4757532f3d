package io.patternkit.sidecar.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patternkit.protocol.ProblemType;
import io.patternkit.sidecar.common.ProblemException;
import io.patternkit.sidecar.engine.jdbc.JdbcQueueEngine;
import io.patternkit.sidecar.engine.postgres.PostgresQueueEngine;
import io.patternkit.sidecar.workqueue.Backoff;
import io.patternkit.sidecar.workqueue.ClaimedItem;
import io.patternkit.sidecar.workqueue.NewItem;
import io.patternkit.sidecar.workqueue.QueueEngine;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The engine contract on a real PostgreSQL server ({@code PATTERNKIT_TEST_JDBC_URL}; skipped only
 * when unset). The database judges time by its own clock, so real time passes here, in short units.
 * Each test uses its own queue, so runs never see each other's items.
 */
class PostgresQueueEngineTest extends QueueEngineContractTest {
    private static final String URL = System.getenv("PATTERNKIT_TEST_JDBC_URL");

    @Override
    protected QueueEngine open(Backoff backoff) {
        // In open(), which every test's set-up calls, so each test is reported as skipped.
        assumeTrue(URL != null && !URL.isBlank(), "PATTERNKIT_TEST_JDBC_URL is not set");
        return PostgresQueueEngine.open(URL, null, backoff);
    }

    @Override
    protected void pass(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        await().pollDelay(d).pollInterval(Duration.ofMillis(10)).atMost(d.plusSeconds(10))
                .until(() -> System.nanoTime() >= until);
    }

    @Override
    protected long now() {
        return System.currentTimeMillis();
    }

    @Override
    protected long unit() {
        return 400;
    }

    @Override
    protected long tolerance() {
        return 150;
    }

    @Test
    void textPostgresCannotStoreIsTheClientsErrorNotAnOutage() {
        // U+0000 in a text column: before, a 503 engine-unavailable with Retry-After for a request that cannot succeed.
        for (NewItem item : List.of(new NewItem(null, "a\0b", null, 0, 0, 5, 0), new NewItem("{}", null, "k\0", 0, 0, 5, 0))) {
            assertThatThrownBy(() -> engine.enqueue(queue, List.of(item))).isInstanceOfSatisfying(ProblemException.class,
                    p -> assertThat(p.type()).isEqualTo(ProblemType.INVALID_REQUEST));
        }
        assertThat(engine.stats(queue).ready()).isZero();
    }

    @Test
    void aQueueTheStatisticsDoNotKnowYetIsClaimedInIndexOrderNotSorted() throws Exception {
        engine.enqueue(queue, Collections.nCopies(3_000, new NewItem("{}", null, null, 0, 0, 5, 0)));
        // In index order, and picked once (V9): a sub-select the plan could run again would claim past the LIMIT.
        // Nothing has lapsed or come due, so the claim takes the usual path (V10), which sorts nothing.
        assertThat(claimPlan()).contains("Index Scan using workqueue_items_claim_ready").contains("CTE picked")
                .doesNotContain("CTE due").doesNotContain("Sort").doesNotContain("Seq Scan").doesNotContain("JIT");
    }

    @Test
    void aClaimWithLapsedClaimsAheadReadsTheFirstLapsedInIndexOrderAndSortsOnlyThem() throws Exception {
        engine.enqueue(queue, Collections.nCopies(3_000, new NewItem("{}", null, null, 0, 0, 5, 0)));
        assertThat(engine.claim(queue, 2_000, 1)).hasSize(2_000);
        await().atMost(Duration.ofSeconds(5)).until(() -> engine.stats(queue).inFlight() == 0);
        String plan = claimPlan();
        // The lapsed claims come in the order they lapsed, at most a window of them; only they and the merge are sorted.
        assertThat(plan).contains("CTE due").contains("Index Scan using workqueue_items_claim_ready")
                .containsPattern("Index (Only )?Scan using workqueue_items_claim on workqueue_items")
                .doesNotContain("Seq Scan").doesNotContain("JIT");
        assertThat(plan.lines().filter(line -> line.trim().matches("(->  )?Sort  \\(.*"))).hasSize(2);
    }

    /** The plans of the statements inside {@code workqueue_claim} for one claim of the test's queue. */
    private String claimPlan() throws Exception {
        // auto_explain hands the plan of the statement inside the function back as a notice.
        List<String> plan = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(URL); Statement st = c.createStatement()) {
            st.execute("LOAD 'auto_explain'");
            st.execute("SET auto_explain.log_min_duration = 0");
            st.execute("SET auto_explain.log_nested_statements = on");
            st.execute("SET auto_explain.log_level = notice");
            try (PreparedStatement claim = c.prepareStatement("SELECT id FROM workqueue_claim(30000, ?, 1)")) {
                claim.setString(1, queue);
                try (ResultSet rs = claim.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                }
                for (SQLWarning w = claim.getWarnings(); w != null; w = w.getNextWarning()) {
                    plan.add(w.getMessage());
                }
            }
        }
        return String.join("\n", plan);
    }

    @Test
    void anAckOfManyReceiptsOnAQueueTheStatisticsDoNotKnowLooksEachUpByPrimaryKey() throws Exception {
        String other = queue + "-known";
        try (Connection c = DriverManager.getConnection(URL); Statement st = c.createStatement()) {
            // The statistics know the table is large (another queue, analyzed), but not this test's queue. Large
            // enough that a sequential scan costs far more than 500 lookups: at 20,000 rows the two were close,
            // and the planner sometimes chose the scan.
            st.execute(ackedRows(other, 200_000));
            st.execute("ANALYZE workqueue_items");
            st.execute(ackedRows(queue, 20_000));
        }
        List<ClaimedItem> claimed = new ArrayList<>();
        engine.enqueue(queue, Collections.nCopies(500, new NewItem("{}", null, null, 0, 0, 5, 0)));
        while (claimed.size() < 500) {
            claimed.addAll(engine.claim(queue, 500 - claimed.size(), 60_000));
        }
        List<String> plan = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(URL);
                PreparedStatement explain = c.prepareStatement("EXPLAIN " + JdbcQueueEngine.ackStatement(
                        PostgresQueueEngine.ITEMS_BY_ID, claimed.size()))) {
            JdbcQueueEngine.bindAck(explain, queue, claimed.stream().map(ClaimedItem::receipt).toList());
            try (ResultSet rs = explain.executeQuery()) {
                while (rs.next()) {
                    plan.add(rs.getString(1));
                }
            }
        } finally {
            deleteRows(other);
        }
        // Before the IS TRUE test, this plan was an index scan of workqueue_items_claim over every acked row.
        assertThat(String.join("\n", plan)).contains("workqueue_items_pkey").doesNotContain("workqueue_items_claim");
    }

    @Test
    void thePromotionWritesItsRowsByPrimaryKeyNotByScanningTheTable() throws Exception {
        List<String> plan;
        try (Connection c = DriverManager.getConnection(URL); Statement st = c.createStatement()) {
            st.execute(ackedRows(queue, 50_000).replace("'acked'", "'delayed'")); // all due: visible_at 0
            st.execute("ANALYZE workqueue_items");
            plan = explain(st, ((PostgresQueueEngine) engine).promoteStatement().replace("?", "'" + queue + "'"));
        } finally {
            deleteRows(queue);
        }
        // As an IN sub-select, the rows to write were found by a hash join over a scan of every row of every queue;
        // the sub-select itself may scan, as it stops at its LIMIT.
        assertThat(plan.get(0)).startsWith("Update on workqueue_items");
        assertThat(String.join("\n", plan)).contains("Index Scan using workqueue_items_pkey on workqueue_items  ")
                .containsPattern("Index Cond: \\(id = ANY \\(").doesNotContain("Hash");
    }

    @Test
    void bothStatementsOfThePurgeWalkTheIndexOfAckedRowsAloneAndDeleteByPrimaryKey() throws Exception {
        List<String> plan = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(URL); Statement st = c.createStatement()) {
            st.execute(ackedRows(queue, 50_000).replace("'acked'", "'ready'")); // a backlog, and few acked rows
            st.execute(ackedRows(queue, 100));
            st.execute("ANALYZE workqueue_items");
            for (String purge : ((PostgresQueueEngine) engine).purgeStatements()) {
                plan.addAll(explain(st, purge.replace("?", "3600000")));
            }
        } finally {
            deleteRows(queue);
        }
        // Until V7, the purge's indexes were (state, purge_at) and (state, acked_at) over every row.
        assertThat(plan.stream().filter(line -> line.contains(" workqueue_items_purge_acked "))).hasSize(2); // index or bitmap scan
        // As an IN sub-select, each chunk's rows were found by a hash join over a scan of every row of every queue.
        assertThat(plan.stream().filter(line -> line.contains("Index Scan using workqueue_items_pkey on workqueue_items  ")))
                .hasSize(2);
        assertThat(plan).noneMatch(line -> line.contains("Seq Scan") || line.contains("Hash"));
    }

    @Test
    void theLookUpOfDuplicatesWalksTheIndexOfKeyedItems() throws Exception {
        List<String> plan = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(URL); Statement st = c.createStatement()) {
            st.execute("INSERT INTO workqueue_items (queue, state, dedup_key, priority, max_attempts, attempt, epoch, "
                    + "enqueued_at, visible_at) SELECT '" + queue + "', 'ready', 'k' || n, 0, 5, 0, 0, 0, 0 "
                    + "FROM generate_series(1, 50000) AS n");
            st.execute("ANALYZE workqueue_items");
            plan.addAll(explain(st, JdbcQueueEngine.duplicatesStatement(2).replaceFirst("\\?", "'" + queue + "'")
                    .replace("?", "'k1'")));
        } finally {
            deleteRows(queue);
        }
        // Until V8, the unique index held every row, keyed or not.
        assertThat(String.join("\n", plan)).contains("workqueue_items_dedup_keyed");
    }

    /** Deletes a queue's rows, which a plan test made with SQL of its own. */
    private static void deleteRows(String queue) throws Exception {
        try (Connection c = DriverManager.getConnection(URL); Statement st = c.createStatement()) {
            st.execute("DELETE FROM workqueue_items WHERE queue = '" + queue + "'");
        }
    }

    private static List<String> explain(Statement st, String sql) throws Exception {
        List<String> plan = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("EXPLAIN " + sql)) {
            while (rs.next()) {
                plan.add(rs.getString(1));
            }
        }
        return plan;
    }

    private static String ackedRows(String queue, int count) {
        return "INSERT INTO workqueue_items (queue, state, priority, max_attempts, attempt, epoch, enqueued_at, "
                + "visible_at, acked_at, dedup_window_ms, purge_at) SELECT '" + queue + "', 'acked', 0, 5, 1, 1, 0, 0, "
                + "0, 0, 9000000000000000 FROM generate_series(1, " + count + ")";
    }
}

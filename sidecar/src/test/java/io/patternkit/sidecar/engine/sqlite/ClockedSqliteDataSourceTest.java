package io.patternkit.sidecar.engine.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.patternkit.sidecar.engine.ManualClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.dbcp2.DelegatingStatement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/** The SQLite connections the engines' pool is made of: the clock function, and prepared statements kept for reuse. */
class ClockedSqliteDataSourceTest {
    @TempDir
    Path dir;
    private ClockedSqliteDataSource source;

    @BeforeEach
    void open() throws Exception {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        source = new ClockedSqliteDataSource(config, "jdbc:sqlite:" + dir.resolve("patternkit.db"),
                Clock.fixed(Instant.ofEpochMilli(42_000), ZoneOffset.UTC));
        try (Connection c = source.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
            st.execute("INSERT INTO t VALUES (1), (2)");
        }
    }

    @Test
    void aStatementIsCompiledOnceAndReusedWithFreshParameters() throws Exception {
        try (Connection c = source.getConnection()) {
            Statement first;
            try (PreparedStatement ps = c.prepareStatement("SELECT id, pk_now_ms() FROM t WHERE id = ?")) {
                ps.setLong(1, 1);
                assertThat(single(ps)).isEqualTo(1);
                first = ((DelegatingStatement) ps).getInnermostDelegate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id, pk_now_ms() FROM t WHERE id = ?")) {
                assertThat(((DelegatingStatement) ps).getInnermostDelegate()).as("the same compiled statement").isSameAs(first);
                ps.setLong(1, 2);
                assertThat(single(ps)).isEqualTo(2);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getLong(2)).as("pk_now_ms() from the clock").isEqualTo(42_000);
                }
            }
        }
    }

    /**
     * {@code pk_now_ms()} is read once per execution of a statement (once per place it is named), not once per row:
     * every row a claim or an ack writes gets the same time. A kept statement run again reads the clock again.
     */
    @Test
    void theClockIsReadOncePerExecutionNotPerRow() throws Exception {
        ManualClock clock = new ManualClock(Instant.ofEpochMilli(1_000));
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        ClockedSqliteDataSource clocked =
                new ClockedSqliteDataSource(config, "jdbc:sqlite:" + dir.resolve("clocked.db"), clock);
        try (Connection c = clocked.getConnection()) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, visible_at INTEGER)");
                st.execute("INSERT INTO items (id, visible_at) VALUES (1, 0), (2, 0), (3, 0), (4, 0), (5, 0)");
            }
            Statement kept = null;
            for (int run = 1; run <= 2; run++) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE items SET visible_at = pk_now_ms() + 100 "
                        + "WHERE visible_at <= pk_now_ms() RETURNING visible_at")) {
                    Statement compiled = ((DelegatingStatement) ps).getInnermostDelegate();
                    if (kept != null) {
                        assertThat(compiled).as("the kept statement, run again").isSameAs(kept);
                    }
                    kept = compiled;
                    long readsBefore = clock.reads();
                    List<Long> written = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            written.add(rs.getLong(1));
                        }
                    }
                    assertThat(clock.reads() - readsBefore).as("reads in run %d: one per place the statement names "
                            + "the function, whatever the rows", run).isEqualTo(2);
                    assertThat(written).as("run %d", run).hasSize(5).containsOnly(clock.millis() + 100);
                }
                clock.advance(Duration.ofMillis(5_000)); // the kept statement's next run reads the new time
                try (Statement st = c.createStatement()) {
                    st.execute("UPDATE items SET visible_at = 0");
                }
            }
        }
    }

    /** A kept statement read only in part would pin its snapshot and stop every checkpoint of the write-ahead log. */
    @Test
    void aKeptStatementHoldsNoReadSnapshot() throws Exception {
        try (Connection reader = source.getConnection(); Connection writer = source.getConnection()) {
            try (PreparedStatement ps = reader.prepareStatement("SELECT id FROM t ORDER BY id");
                    ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue(); // one row of two read
            }
            try (Statement st = writer.createStatement()) {
                st.execute("INSERT INTO t VALUES (3)");
                try (ResultSet checkpoint = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                    checkpoint.next();
                    assertThat(checkpoint.getInt(1)).as("checkpoint blocked by a reader").isZero();
                }
            }
        }
    }

    @Test
    void moreDistinctStatementsThanAreKeptStillPrepare() throws Exception {
        try (Connection c = source.getConnection()) {
            for (int i = 0; i < 3 * ClockedSqliteDataSource.STATEMENTS_PER_CONNECTION; i++) {
                try (PreparedStatement ps = c.prepareStatement("SELECT id + " + i + " FROM t WHERE id = 1")) {
                    assertThat(single(ps)).isEqualTo(1 + i);
                }
            }
        }
    }

    private static long single(PreparedStatement ps) throws Exception {
        try (ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }
}

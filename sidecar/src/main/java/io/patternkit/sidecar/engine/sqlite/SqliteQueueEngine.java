package io.patternkit.sidecar.engine.sqlite;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.patternkit.sidecar.engine.jdbc.JdbcQueueEngine;
import io.patternkit.sidecar.workqueue.Backoff;
import io.patternkit.sidecar.workqueue.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The embedded engine: one SQLite file in WAL mode ({@code synchronous=NORMAL},
 * {@code busy_timeout=5000}) that several sidecar processes on the machine share, durable across
 * restarts. Every write is one autocommit statement, so processes never hold a read-then-write
 * transaction that would end in {@code SQLITE_BUSY}.
 *
 * <p>SQLite has no notifications: a write by another process is noticed by polling
 * {@code PRAGMA data_version} on a dedicated connection every {@value #WATCH_INTERVAL_MS} ms (a
 * cheap read that changes whenever another connection commits), which wakes parked long-polls.
 */
public final class SqliteQueueEngine extends JdbcQueueEngine {
    /** How often another process's writes are looked for, in milliseconds. */
    public static final long WATCH_INTERVAL_MS = 100;
    private static final Logger LOG = LoggerFactory.getLogger(SqliteQueueEngine.class);
    private static final String[] SCHEMA = {
        "CREATE TABLE IF NOT EXISTS workqueue_items ("
            + "id INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL, state TEXT NOT NULL, payload TEXT, "
            + "file_ref TEXT, dedup_key TEXT, priority INTEGER NOT NULL, max_attempts INTEGER NOT NULL, "
            + "attempt INTEGER NOT NULL, epoch INTEGER NOT NULL, enqueued_at INTEGER NOT NULL, "
            + "visible_at INTEGER NOT NULL, reason TEXT, dead_at INTEGER, acked_at INTEGER)",
        "CREATE UNIQUE INDEX IF NOT EXISTS workqueue_items_dedup ON workqueue_items (queue, dedup_key)",
        "CREATE INDEX IF NOT EXISTS workqueue_items_claim ON workqueue_items (queue, state, visible_at)",
        "CREATE INDEX IF NOT EXISTS workqueue_items_acked ON workqueue_items (state, acked_at)",
        // Walked in claim order, so a claim reads a handful of rows instead of sorting the backlog.
        "CREATE INDEX IF NOT EXISTS workqueue_items_claim_order ON workqueue_items (queue, priority DESC, id) "
            + "WHERE state IN ('ready', 'inflight')",
    };

    private final HikariDataSource pool;
    private final Connection watchConnection;
    private final ScheduledExecutorService watcher;
    private long lastDataVersion;

    private SqliteQueueEngine(HikariDataSource pool, Connection watchConnection, Backoff backoff) {
        super(pool, "", backoff);
        this.pool = pool;
        this.watchConnection = watchConnection;
        this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "patternkit-sqlite-watch");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens (creating when missing) the database file and its schema, and starts watching for
     * writes by other processes.
     *
     * @param file the database file, such as {@code ~/.patternkit/patternkit.db}; parent directories are created
     * @param clock the engine's clock, read for every visibility decision
     * @param backoff the nack backoff schedule
     * @return the open engine; close it
     * @throws EngineException when the file cannot be opened or the schema created
     */
    public static SqliteQueueEngine open(Path file, Clock clock, Backoff backoff) {
        HikariDataSource pool = null;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            config.setBusyTimeout(5000);
            ClockedSqliteDataSource source = new ClockedSqliteDataSource(config, "jdbc:sqlite:" + file.toAbsolutePath(), clock);
            HikariConfig hikari = new HikariConfig();
            hikari.setDataSource(source);
            hikari.setPoolName("patternkit-sqlite");
            hikari.setMaximumPoolSize(4);
            hikari.setMinimumIdle(1);
            pool = new HikariDataSource(hikari);
            try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                for (String ddl : SCHEMA) {
                    st.execute(ddl);
                }
            }
            SqliteQueueEngine engine = new SqliteQueueEngine(pool, source.getConnection(), backoff);
            engine.startWatching();
            LOG.info("SQLite engine open at {}", file.toAbsolutePath());
            return engine;
        } catch (SQLException | IOException e) {
            if (pool != null) {
                pool.close();
            }
            throw new EngineException("cannot open SQLite database " + file + ": " + e.getMessage(), e);
        }
    }

    private void startWatching() throws SQLException {
        lastDataVersion = dataVersion();
        watcher.scheduleWithFixedDelay(this::checkForeignWrites, WATCH_INTERVAL_MS, WATCH_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    private void checkForeignWrites() {
        try {
            long version = dataVersion();
            if (version != lastDataVersion) {
                lastDataVersion = version;
                externalChange(null);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("data_version check failed", e);
        }
    }

    private long dataVersion() throws SQLException {
        try (Statement st = watchConnection.createStatement(); ResultSet rs = st.executeQuery("PRAGMA data_version")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() {
        watcher.shutdownNow();
        try {
            watcher.awaitTermination(1, TimeUnit.SECONDS);
            watchConnection.close();
        } catch (SQLException e) {
            LOG.debug("closing the watch connection failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
    }
}

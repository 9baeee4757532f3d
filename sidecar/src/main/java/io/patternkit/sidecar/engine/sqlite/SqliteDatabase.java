package io.patternkit.sidecar.engine.sqlite;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.patternkit.sidecar.workqueue.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The machine's SQLite file as every embedded engine opens it: WAL mode ({@code synchronous=NORMAL},
 * {@code busy_timeout=5000}), a small HikariCP pool whose connections define {@code pk_now_ms()}
 * from an injectable {@link Clock}, and an optional watch for other processes' commits.
 *
 * <p>SQLite has no notifications: a write by another process is noticed by polling
 * {@code PRAGMA data_version} on a dedicated connection every {@value #WATCH_INTERVAL_MS} ms (a
 * cheap read that changes whenever another connection commits).
 */
final class SqliteDatabase implements AutoCloseable {
    /** How often another process's writes are looked for, in milliseconds. */
    static final long WATCH_INTERVAL_MS = 100;
    private static final Logger LOG = LoggerFactory.getLogger(SqliteDatabase.class);

    private final HikariDataSource pool;
    private final ClockedSqliteDataSource source;
    private Connection watchConnection;
    private ScheduledExecutorService watcher;
    private long lastDataVersion;

    private SqliteDatabase(HikariDataSource pool, ClockedSqliteDataSource source) {
        this.pool = pool;
        this.source = source;
    }

    /**
     * Opens (creating when missing) the file and runs the schema statements.
     *
     * @param file the database file; parent directories are created
     * @param clock read by {@code pk_now_ms()}
     * @param poolName the HikariCP pool name
     * @param schema idempotent DDL statements ({@code CREATE ... IF NOT EXISTS})
     * @return the open database; close it
     * @throws EngineException when the file cannot be opened or the schema created
     */
    static SqliteDatabase open(Path file, Clock clock, String poolName, List<String> schema) {
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
            hikari.setPoolName(poolName);
            hikari.setMaximumPoolSize(4);
            hikari.setMinimumIdle(1);
            pool = new HikariDataSource(hikari);
            try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                for (String ddl : schema) {
                    st.execute(ddl);
                }
            }
            return new SqliteDatabase(pool, source);
        } catch (SQLException | IOException | RuntimeException e) {
            if (pool != null) {
                pool.close();
            }
            throw new EngineException("cannot open SQLite database " + file + ": " + e.getMessage(), e);
        }
    }

    /** @return the connection pool */
    HikariDataSource pool() {
        return pool;
    }

    /**
     * Starts calling {@code onForeignWrite} (on a watcher thread) whenever another connection commits.
     *
     * @param threadName the watcher thread's name
     * @param onForeignWrite must not block
     * @throws EngineException when the watch connection cannot be opened
     */
    void watch(String threadName, Runnable onForeignWrite) {
        try {
            watchConnection = source.getConnection();
            lastDataVersion = dataVersion();
        } catch (SQLException e) {
            throw new EngineException("cannot open the SQLite watch connection: " + e.getMessage(), e);
        }
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        watcher.scheduleWithFixedDelay(() -> {
            try {
                long version = dataVersion();
                if (version != lastDataVersion) {
                    lastDataVersion = version;
                    onForeignWrite.run();
                }
            } catch (SQLException | RuntimeException e) {
                LOG.debug("data_version check failed", e);
            }
        }, WATCH_INTERVAL_MS, WATCH_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    private long dataVersion() throws SQLException {
        try (Statement st = watchConnection.createStatement(); ResultSet rs = st.executeQuery("PRAGMA data_version")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Stops the watch and closes every connection. Never throws. */
    @Override
    public void close() {
        if (watcher != null) {
            watcher.shutdownNow();
            try {
                watcher.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (watchConnection != null) {
            try {
                watchConnection.close();
            } catch (SQLException e) {
                LOG.debug("closing the watch connection failed", e);
            }
        }
        pool.close();
    }
}

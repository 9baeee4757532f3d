package io.patternkit.sidecar.engine.sqlite;

import io.patternkit.sidecar.engine.jdbc.JdbcLeaseEngine;
import io.patternkit.sidecar.common.EngineException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded lease engine: table {@code leader_leases} in the machine's SQLite file (the one the
 * work queue uses), shared by every local sidecar process. Expiry is judged by {@code pk_now_ms()},
 * the injectable wall clock of the machine, which every local process shares. Writes by other
 * processes wake waiting campaigns and watches within a few milliseconds where the file system
 * reports changes (inotify on Linux), and within {@value SqliteDatabase#WATCH_INTERVAL_MS} ms
 * elsewhere (see {@code SqliteDatabase}).
 */
public final class SqliteLeaseEngine extends JdbcLeaseEngine {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteLeaseEngine.class);
    private static final List<String> SCHEMA = List.of(
            "CREATE TABLE IF NOT EXISTS leader_leases (election TEXT PRIMARY KEY, holder TEXT NOT NULL, "
                + "term INTEGER NOT NULL, acquired_at INTEGER NOT NULL, renewed_at INTEGER NOT NULL, "
                + "expires_at INTEGER NOT NULL)");

    private final SqliteDatabase database;
    private final boolean ownsDatabase;
    /** Set by {@link #on} before the engine is handed out. */
    private SqliteDatabase.Listener watch;

    private SqliteLeaseEngine(SqliteDatabase database, boolean ownsDatabase) {
        super(database.pool(), "leader_leases", "pk_now_ms()");
        this.database = database;
        this.ownsDatabase = ownsDatabase;
    }

    /** Reads, then checks the file can still be written ({@link SqliteDatabase#checkWritable()}). */
    @Override
    public void ping() {
        super.ping();
        database.checkWritable();
    }

    /**
     * Opens (creating when missing) the database file and the lease table, and starts watching for
     * writes by other processes.
     *
     * @param file the database file, such as {@code ~/.patternkit/patternkit.db}; parent directories are created
     * @param clock the engine's wall clock, read for every expiry decision
     * @return the open engine; close it
     * @throws EngineException when the file cannot be opened or the schema created
     */
    public static SqliteLeaseEngine open(Path file, Clock clock) {
        SqliteDatabase database = SqliteDatabase.open(file, clock, "patternkit-sqlite-leader");
        try {
            SqliteLeaseEngine engine = on(database, true);
            LOG.info("SQLite lease engine open at {}", file.toAbsolutePath());
            return engine;
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /**
     * Leases on a database other engines share; the lease table is created when missing.
     *
     * @param database the open database
     * @param ownsDatabase whether {@link #close()} closes the database too
     * @return the engine
     * @throws EngineException when the table cannot be created
     */
    static SqliteLeaseEngine on(SqliteDatabase database, boolean ownsDatabase) {
        database.createSchema(SCHEMA);
        SqliteLeaseEngine engine = new SqliteLeaseEngine(database, ownsDatabase);
        engine.watch = database.watch("patternkit-sqlite-leader-watch", () -> engine.externalChange(null));
        return engine;
    }

    /** Other processes' writes are looked for only while a campaign or watch is parked ({@link SqliteDatabase#watch}). */
    @Override
    public void waiting(boolean anyone) {
        watch.interested(anyone);
    }

    @Override
    public boolean reportsExternalChanges() {
        return true;
    }

    @Override
    public void close() {
        if (ownsDatabase) {
            database.close();
        }
    }
}

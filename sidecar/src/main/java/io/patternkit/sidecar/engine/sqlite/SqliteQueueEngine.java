package io.patternkit.sidecar.engine.sqlite;

import io.patternkit.sidecar.engine.jdbc.JdbcQueueEngine;
import io.patternkit.sidecar.workqueue.Backoff;
import io.patternkit.sidecar.common.EngineException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded engine: one SQLite file in WAL mode ({@code synchronous=NORMAL},
 * {@code busy_timeout=5000}) that several sidecar processes on the machine share, durable across
 * restarts. Every write is one autocommit statement, so processes never hold a read-then-write
 * transaction that would end in {@code SQLITE_BUSY}.
 *
 * <p>A write by another process wakes parked long-polls within a few milliseconds where the file
 * system reports changes (inotify on Linux), and within {@value #WATCH_INTERVAL_MS} ms elsewhere
 * (see {@code SqliteDatabase}).
 */
public final class SqliteQueueEngine extends JdbcQueueEngine {
    /** How often another process's writes are looked for when the file system sends no events, in milliseconds. */
    public static final long WATCH_INTERVAL_MS = SqliteDatabase.WATCH_INTERVAL_MS;
    private static final Logger LOG = LoggerFactory.getLogger(SqliteQueueEngine.class);
    private static final List<String> SCHEMA = List.of(
        "CREATE TABLE IF NOT EXISTS workqueue_items ("
            + "id INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL, state TEXT NOT NULL, payload TEXT, "
            + "file_ref TEXT, dedup_key TEXT, priority INTEGER NOT NULL, max_attempts INTEGER NOT NULL, "
            + "attempt INTEGER NOT NULL, epoch INTEGER NOT NULL, enqueued_at INTEGER NOT NULL, "
            + "visible_at INTEGER NOT NULL, reason TEXT, dead_at INTEGER, acked_at INTEGER)",
        // Each item's own deduplication window (its enqueuing sidecar's), and when its acked row may go.
        "ALTER TABLE workqueue_items ADD COLUMN dedup_window_ms INTEGER",
        "ALTER TABLE workqueue_items ADD COLUMN purge_at INTEGER",
        // Keys are unique per queue; an item without one (NULL, never equal to another) has no entry, so its enqueue
        // does not write this index. Until 6 December the index held every row. Each index that replaces another is
        // made before the other goes, so a file being upgraded while older sidecars write to it is never without
        // its unique index, not even if the upgrade stops half way.
        "CREATE UNIQUE INDEX IF NOT EXISTS workqueue_items_dedup_keyed ON workqueue_items (queue, dedup_key) "
            + "WHERE dedup_key IS NOT NULL",
        "DROP INDEX IF EXISTS workqueue_items_dedup",
        "CREATE INDEX IF NOT EXISTS workqueue_items_claim ON workqueue_items (queue, state, visible_at)",
        // The purge's index holds acked rows only, so an enqueue and a claim do not write it. Until 6 December it was
        // two indexes over every row, (state, purge_at) and (state, acked_at): two index writes more per enqueue and
        // per claim, and one more per ack. Rows acked before items carried their own dedup window (purge_at NULL) are
        // found in it too, as its NULL entries.
        "CREATE INDEX IF NOT EXISTS workqueue_items_purge_acked ON workqueue_items (purge_at) WHERE state = 'acked'",
        "DROP INDEX IF EXISTS workqueue_items_purge",
        "DROP INDEX IF EXISTS workqueue_items_acked",
        // Walked in claim order, so a claim reads a handful of rows instead of sorting the backlog. Ready rows only:
        // until 7 December it held the in-flight rows too, and a claim walked past every claimed and delayed item
        // ahead of the first ready one (14 to 22 ms with 100,000 of them). Lapsed claims are found by the claim index.
        "CREATE INDEX IF NOT EXISTS workqueue_items_claim_ready ON workqueue_items (queue, priority DESC, id) "
            + "WHERE state = 'ready'",
        "DROP INDEX IF EXISTS workqueue_items_claim_order",
        "CREATE TABLE IF NOT EXISTS workqueue_keys (name TEXT PRIMARY KEY, value BLOB NOT NULL)");

    /**
     * How the ack names the items table: SQLite keeps no statistics unless asked, and for an ack of many ids
     * its planner would walk the {@code (queue, state)} index, every acked row of the queue, instead of
     * looking up each id by its primary key (which {@code NOT INDEXED} still allows).
     */
    public static final String ITEMS_BY_ID = "workqueue_items NOT INDEXED";
    /**
     * How many lapsed claims, and how many ended delays, the full claim considers at least (those that lapsed or came
     * due first; more when it claims more): each costs the claim a row read, and a place in its sort. PostgreSQL's
     * {@code workqueue_claim} (Flyway {@code V10}) uses the same 100, written into the applied migration.
     */
    public static final int DUE_WINDOW = 100;
    /** Whether the queue (the parameter) holds a lapsed claim or a delayed item whose delay has ended, with attempts left. */
    private static final String SOMETHING_DUE = "SELECT EXISTS (SELECT 1 FROM workqueue_items WHERE queue = ? "
            + "AND state IN ('inflight', 'delayed') AND visible_at <= pk_now_ms() AND attempt < max_attempts)";
    private final SqliteDatabase database;
    /** Set by {@link #on} before the engine is handed out. */
    private SqliteDatabase.Listener watch;
    private final boolean ownsDatabase;

    private SqliteQueueEngine(SqliteDatabase database, Backoff backoff, boolean ownsDatabase) {
        super(database.pool(), "", ITEMS_BY_ID, backoff);
        this.database = database;
        this.ownsDatabase = ownsDatabase;
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
        SqliteDatabase database = SqliteDatabase.open(file, clock, "patternkit-sqlite");
        try {
            SqliteQueueEngine engine = on(database, backoff, true);
            LOG.info("SQLite engine open at {}", file.toAbsolutePath());
            return engine;
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** Reads, then checks the file can still be written ({@link SqliteDatabase#checkWritable()}). */
    @Override
    public void ping() {
        super.ping();
        database.checkWritable();
    }

    /** Purges, then gives the pages the purged rows held back to the file system ({@link SqliteDatabase#reclaimFreePages()}). */
    @Override
    public int purgeAcked(long dedupWindowMs, long retryGraceMs) {
        int purged = super.purgeAcked(dedupWindowMs, retryGraceMs);
        if (purged > 0) {
            database.reclaimFreePages();
        }
        return purged;
    }

    /**
     * The statistics from the {@code (queue, state, visible_at)} index alone, but for the in-flight items whose
     * visibility timeout has lapsed (their rows tell a redelivery from a lapsed last attempt): SQLite keeps the row
     * id in every index entry, and ids follow the order of enqueueing (one writer at a time, {@code pk_now_ms()}
     * never going back), so the oldest ready item is the one with the least id. Reading every live row instead cost
     * 48 ms with 100,000 ready items and 444 ms with a million, 18 and 108 ms this way, and it runs every few seconds
     * in every sidecar (docs/benchmarks.md, section 13). A ready or delayed row always has attempts left (a nack that
     * uses the last one dead-letters the item), so those rows are counted without reading them.
     */
    @Override
    public String statsStatement() {
        String count = "(SELECT COUNT(*) FROM workqueue_items WHERE queue = ? AND ";
        String lapsed = "state = 'inflight' AND visible_at <= n.now_ms AND attempt ";
        String none = Long.toString(Long.MAX_VALUE);
        // The least id of each kind of ready item, a ready row and a lapsed claim with attempts left; SQLite's min()
        // of several values is null when one is, so a kind with none counts as the largest id, which no row has.
        String oldestReady = "(SELECT enqueued_at FROM workqueue_items WHERE id = min("
                + "COALESCE((SELECT MIN(id) FROM workqueue_items WHERE queue = ? AND state IN ('ready', 'delayed') "
                + "AND visible_at <= n.now_ms), "
                + none + "), COALESCE((SELECT MIN(id) FROM workqueue_items WHERE queue = ? AND " + lapsed + "< max_attempts), "
                + none + ")))";
        return "SELECT "
                + count + "state IN ('ready', 'delayed') AND visible_at <= n.now_ms) + " + count + lapsed
                + "< max_attempts), "
                + count + "state IN ('ready', 'delayed') AND visible_at > n.now_ms), "
                + count + "state = 'inflight' AND visible_at > n.now_ms) + " + count + lapsed + ">= max_attempts), "
                + count + "state = 'dead'), "
                + count + "state = 'acked'), "
                + oldestReady + ", "
                + "n.now_ms FROM (SELECT pk_now_ms() AS now_ms) n";
    }

    /**
     * The usual claim when nothing of the queue has lapsed or come due ({@link #somethingDue}), else the full one
     * ({@link #claimStatement(boolean)}): the full one's merge costs about 30 µs more than the look and the usual claim
     * together (91 to 117 against 64 to 77 µs for a claim of one item, in-process).
     */
    @Override
    protected String claimStatement(Connection c, String queue) throws SQLException {
        return claimStatement(somethingDue(c, queue));
    }

    private static boolean somethingDue(Connection c, String queue) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SOMETHING_DUE)) {
            ps.setString(1, queue);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * The claim as one statement. The usual one walks the ready rows in claim order in
     * {@code workqueue_items_claim_ready}, reading no more rows than asked for. The full one adds the in-flight items
     * whose visibility timeout has lapsed and the delayed ones whose delay has ended, with attempts left, and merges
     * them with the ready rows in claim order: of each kind the {@value #DUE_WINDOW} (or the most asked for, if more)
     * that lapsed or came due first,
     * read in that order from the {@code (queue, state, visible_at)} index, so that a burst of them (a fleet of
     * consumers gone with their claims) costs each claim a bounded sort, not one of the whole burst. The ready rows'
     * walk names its index: SQLite keeps no statistics unless asked, and without them took the
     * {@code (queue, state, visible_at)} index for the ready rows too, and sorted all of them on every claim. The
     * numbered parameters are the visibility timeout, the queue and the most items. Public so that the tests can read
     * the plans.
     *
     * @param full whether the queue may hold lapsed claims or items whose delay has ended
     * @return the SQL text
     */
    public static String claimStatement(boolean full) {
        String ready = "SELECT id, priority FROM workqueue_items INDEXED BY workqueue_items_claim_ready "
                + "WHERE queue = ?2 AND state = 'ready' AND visible_at <= pk_now_ms() ORDER BY priority DESC, id LIMIT ?3";
        String picked = !full ? "SELECT id FROM (" + ready + ")" : "SELECT id FROM (SELECT * FROM (" + ready + ")"
                + " UNION ALL SELECT * FROM (" + due("inflight") + ") UNION ALL SELECT * FROM (" + due("delayed") + ")) "
                + "ORDER BY priority DESC, id LIMIT ?3";
        return "UPDATE workqueue_items SET state = 'inflight', attempt = attempt + 1, epoch = epoch + 1, "
                + "visible_at = pk_now_ms() + ?1 WHERE id IN (" + picked + ") RETURNING " + COLUMNS;
    }

    /** The first {@value #DUE_WINDOW} (or most asked for) items in {@code state} that lapsed or came due, with attempts left. */
    private static String due(String state) {
        return "SELECT id, priority FROM workqueue_items WHERE queue = ?2 AND state = '" + state + "' AND visible_at <= "
                + "pk_now_ms() AND attempt < max_attempts ORDER BY visible_at LIMIT max(?3, " + DUE_WINDOW + ")";
    }

    /** Other processes' writes are looked for only while a claim is parked ({@link SqliteDatabase#watch}). */
    @Override
    public void waiting(boolean anyone) {
        watch.interested(anyone);
    }

    /**
     * The work queue on a database other engines share; its schema is created when missing.
     *
     * @param database the open database
     * @param backoff the nack backoff schedule
     * @param ownsDatabase whether {@link #close()} closes the database too
     * @return the engine
     * @throws EngineException when the schema cannot be created
     */
    static SqliteQueueEngine on(SqliteDatabase database, Backoff backoff, boolean ownsDatabase) {
        database.createSchema(SCHEMA);
        SqliteQueueEngine engine = new SqliteQueueEngine(database, backoff, ownsDatabase);
        engine.watch = database.watch("patternkit-sqlite-watch", () -> engine.externalChange(null));
        return engine;
    }

    @Override
    public void close() {
        if (ownsDatabase) {
            database.close();
        }
    }
}

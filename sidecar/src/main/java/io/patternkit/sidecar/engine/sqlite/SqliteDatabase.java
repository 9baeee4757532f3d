package io.patternkit.sidecar.engine.sqlite;

import io.patternkit.sidecar.common.DaemonThreads;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.patternkit.sidecar.common.EngineException;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The machine's SQLite file as every embedded engine opens it: WAL mode ({@code synchronous=NORMAL},
 * {@code busy_timeout=5000}), a small HikariCP pool whose connections define {@code pk_now_ms()}
 * from an injectable {@link Clock}, and an optional watch for other processes' commits.
 *
 * <p>SQLite has no notifications: a write by another process is noticed by reading
 * {@code PRAGMA data_version} on a dedicated connection (a cheap read that changes whenever another
 * connection commits) when the file system reports a change to the database's files, and every
 * {@value #WATCH_INTERVAL_MS} ms in any case.
 */
final class SqliteDatabase implements AutoCloseable {
    /** How often another process's writes are looked for when no file event came, in milliseconds. */
    static final long WATCH_INTERVAL_MS = 100;
    /** The least time between two looks, in milliseconds, however many file events come. */
    static final long MIN_CHECK_GAP_MS = 5;
    /** How long nobody must be interested before the directory's file events are turned off, in milliseconds. */
    static final long UNWATCH_AFTER_MS = 1000;
    /** The least time between two write probes of {@link #checkWritable()}, in milliseconds. */
    static final long WRITE_PROBE_GAP_MS = 1000;
    /** How long a caller of {@link #checkWritable()} waits for another caller's probe before it gives up, in milliseconds. */
    static final long WRITE_PROBE_WAIT_MS = 1000;
    /**
     * The size, in bytes, the write-ahead log is cut back to after a checkpoint resets it: without it the log
     * keeps the size of the largest transaction it ever held.
     */
    static final int WAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024;
    /** How many free pages one step of {@link #reclaimFreePages()} gives back to the file system. */
    static final int VACUUM_STEP_PAGES = 2048;
    private static final Logger LOG = LoggerFactory.getLogger(SqliteDatabase.class);
    private static final Pattern ADD_COLUMN = Pattern.compile("ALTER TABLE (\\w+) ADD COLUMN (\\w+) .*");

    private final HikariDataSource pool;
    private final ClockedSqliteDataSource source;
    private final Path file;
    private final AtomicBoolean checkRequested = new AtomicBoolean();
    private Connection watchConnection;
    private ScheduledExecutorService watcher;
    private WatchService fileEvents;
    /** The directory's registration with {@link #fileEvents}; null while nobody is interested. Set on the watcher thread. */
    private volatile WatchKey directoryKey;
    private long lastInterestNanos;
    private final List<Listener> watchers = new CopyOnWriteArrayList<>();
    private volatile long lastCheckNanos;
    private long lastDataVersion;
    private final ReentrantLock writeProbe = new ReentrantLock();
    private long lastWriteProbeNanos;
    private EngineException lastWriteFailure;
    private boolean writeProbed;

    /** The identity (device and inode) of the file this process opened, or null where the file system has none. */
    private final Object fileKey;

    private SqliteDatabase(HikariDataSource pool, ClockedSqliteDataSource source, Path file, Object fileKey) {
        this.pool = pool;
        this.source = source;
        this.file = file;
        this.fileKey = fileKey;
    }

    /**
     * Opens (creating when missing) the file; each engine on it adds its schema with {@link #createSchema}.
     *
     * @param file the database file; parent directories are created
     * @param clock read by {@code pk_now_ms()}
     * @param poolName the HikariCP pool name
     * @return the open database; close it
     * @throws EngineException when the file cannot be opened
     */
    static SqliteDatabase open(Path file, Clock clock, String poolName) {
        HikariDataSource pool = null;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            String url = "jdbc:sqlite:" + file.toAbsolutePath();
            makeIncrementallyVacuumedWhenNew(url);
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            config.setBusyTimeout(5000);
            config.setJournalSizeLimit(WAL_SIZE_LIMIT_BYTES);
            ClockedSqliteDataSource source = new ClockedSqliteDataSource(config, url, clock);
            HikariConfig hikari = new HikariConfig();
            hikari.setDataSource(source);
            hikari.setPoolName(poolName);
            hikari.setMaximumPoolSize(4);
            hikari.setMinimumIdle(1);
            pool = new HikariDataSource(hikari);
            try (Connection c = pool.getConnection()) {
                c.isValid(1);
            }
            if (clock instanceof MachineClock machine) {
                machine.anchor(pool);
            }
            try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS pk_write_probe (id INTEGER PRIMARY KEY, at INTEGER NOT NULL)");
            }
            return new SqliteDatabase(pool, source, file.toAbsolutePath(), fileKey(file.toAbsolutePath()));
        } catch (SQLException | IOException | RuntimeException e) {
            if (pool != null) {
                pool.close();
            }
            Path dir = file.toAbsolutePath().getParent();
            String hint = dir != null && Files.isDirectory(dir) && !Files.isWritable(dir)
                    ? " (the directory " + dir + " cannot be written: a read-only volume or missing permissions; give --data "
                            + "a writable directory)"
                    : "";
            throw new EngineException("cannot open SQLite database " + file + hint + ": " + e.getMessage(), e);
        }
    }

    /** @return the file's identity (device and inode on Linux), or null when it is missing or has none */
    private static Object fileKey(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * A new file is made with {@code auto_vacuum = INCREMENTAL}, so {@link #reclaimFreePages()} can give purged
     * space back. SQLite takes the setting only before the file's first table (or through a {@code VACUUM}), so it
     * is given on a connection of its own before anything else touches the file: before {@code journal_mode = WAL}
     * writes the file's header and before {@link MachineClock} adds its table. On a file that exists the statement
     * changes nothing: a file made by an earlier version keeps its free pages for reuse (an offline {@code VACUUM}
     * after {@code PRAGMA auto_vacuum = INCREMENTAL} converts it). Two processes making the file at once both say
     * the same, and whichever writes the header first makes it.
     */
    private static void makeIncrementallyVacuumedWhenNew(String url) throws SQLException {
        SQLiteConfig first = new SQLiteConfig();
        first.setBusyTimeout(5000);
        try (Connection c = first.createConnection(url); Statement st = c.createStatement()) {
            st.execute("PRAGMA auto_vacuum = INCREMENTAL");
            st.execute("PRAGMA journal_mode = WAL");
        }
    }

    /** @return the connection pool */
    HikariDataSource pool() {
        return pool;
    }

    /**
     * Checks that the file can still be written, for readiness: a volume that turned read-only (ext4 after a
     * storage error) or filled up still answers reads, so a read alone would call the engine healthy while every
     * enqueue, ack and renewal fails. Checks too that the path still names the file this process opened: one deleted
     * or replaced (a restored backup) keeps answering this process's open connections, while every sidecar started
     * since opens the new file, so two sidecars would hold the same election and never see each other's items. One
     * tiny write ({@code pk_write_probe}, a row of one integer) at most every {@value #WRITE_PROBE_GAP_MS} ms per process, shared by every pattern on the file. A caller waits at most
     * {@value #WRITE_PROBE_WAIT_MS} ms for a probe another caller is running, so that readiness checks arriving
     * while writes hang do not pile up on worker threads behind it.
     *
     * @throws EngineException when the write fails, naming why, or another caller's probe did not end in time
     */
    void checkWritable() {
        try {
            if (!writeProbe.tryLock(WRITE_PROBE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                throw new EngineException("the SQLite database " + file + " did not take a one-row write within "
                        + WRITE_PROBE_WAIT_MS + " ms (a full volume, or another process holding the write lock?)", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while checking that " + file + " can be written", e);
        }
        try {
            probeWhenDue();
        } finally {
            writeProbe.unlock();
        }
    }

    private void probeWhenDue() {
        long now = System.nanoTime();
        if (writeProbed && now - lastWriteProbeNanos < WRITE_PROBE_GAP_MS * 1_000_000) {
            if (lastWriteFailure != null) {
                throw lastWriteFailure;
            }
            return;
        }
        writeProbed = true;
        lastWriteProbeNanos = now;
        if (fileKey != null) {
            Object current = fileKey(file);
            if (!fileKey.equals(current)) {
                lastWriteFailure = new EngineException("the SQLite database " + file + " was "
                        + (current == null ? "deleted" : "replaced by another file") + " after this sidecar opened it;"
                        + " its connections still use the old file, which sidecars started since do not see: restart"
                        + " it", null);
                throw lastWriteFailure;
            }
        }
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT OR REPLACE INTO pk_write_probe (id, at) VALUES (1, pk_now_ms())");
            lastWriteFailure = null;
        } catch (SQLException e) {
            lastWriteFailure = new EngineException("the SQLite database " + file + " cannot be written (a full or "
                    + "read-only volume?): " + e.getMessage(), e);
            throw lastWriteFailure;
        }
    }

    /**
     * Gives the file's free pages (left by deleted rows) back to the file system, {@value #VACUUM_STEP_PAGES} pages
     * per transaction so that the write-ahead log and the write lock stay small, in a file made with
     * {@code auto_vacuum = INCREMENTAL} (every file this version creates); a file without it keeps its free pages
     * for reuse. Stops when a step frees nothing (another process's write took the pages meanwhile).
     *
     * @throws EngineException when a step fails
     */
    void reclaimFreePages() {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            if (pragma(st, "auto_vacuum") != 2) {
                return;
            }
            long free = pragma(st, "freelist_count");
            while (free > 0) {
                st.executeUpdate("PRAGMA incremental_vacuum(" + VACUUM_STEP_PAGES + ")"); // steps it to the end
                long left = pragma(st, "freelist_count");
                if (left >= free) {
                    return;
                }
                free = left;
            }
        } catch (SQLException e) {
            throw new EngineException("cannot give free pages of " + file + " back: " + e.getMessage(), e);
        }
    }

    private static long pragma(Statement st, String name) throws SQLException {
        try (ResultSet rs = st.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * Runs more idempotent DDL statements on the open database, for a second pattern sharing it.
     *
     * @param schema statements such as {@code CREATE TABLE IF NOT EXISTS ...}
     * @throws EngineException when a statement fails
     */
    void createSchema(List<String> schema) {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            for (String ddl : schema) {
                if (!addsExistingColumn(c, ddl)) {
                    st.execute(ddl);
                }
            }
        } catch (SQLException e) {
            throw new EngineException("cannot create the SQLite schema in " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * SQLite has no {@code ADD COLUMN IF NOT EXISTS}: an {@code ALTER TABLE t ADD COLUMN c ...} of the schema is
     * skipped when the table has the column already (a file made by this version, or migrated before).
     */
    private static boolean addsExistingColumn(Connection c, String ddl) throws SQLException {
        Matcher m = ADD_COLUMN.matcher(ddl);
        if (!m.matches()) {
            return false;
        }
        try (Statement st = c.createStatement(); ResultSet columns = st.executeQuery(
                "SELECT 1 FROM pragma_table_info('" + m.group(1) + "') WHERE name = '" + m.group(2) + "'")) {
            return columns.next();
        }
    }

    /**
     * Calls {@code onForeignWrite} (on a watcher thread) whenever another connection commits; the
     * first call starts the watch, later ones (a second pattern on the same file) add a listener.
     * The file's directory is watched for changes to the write-ahead log (inotify on Linux, through
     * {@link WatchService}), so a commit by another process is seen within a few milliseconds; the
     * check also runs every {@value #WATCH_INTERVAL_MS} ms in case the file system sends no events
     * (network file systems, or a platform whose {@code WatchService} polls). Checks are at least
     * {@value #MIN_CHECK_GAP_MS} ms apart, and run only while some listener is {@code interested} (a long-poll is
     * parked): nobody else needs to hear of another process's write, and on a busy machine these checks were a
     * fifth of a sidecar's CPU. The directory is registered for file events only while someone is interested
     * (and {@value #UNWATCH_AFTER_MS} ms after), since the events of every commit, this process's own included,
     * cost the JDK's poller thread and the event thread about a sixth of a busy sidecar's CPU even when no check
     * follows. A listener starts uninterested; when its interest rises ({@link Listener#interested}) the check
     * registers the directory again, then compares with the last version seen, so a write made while nobody
     * watched still wakes it.
     *
     * @param threadName the watcher threads' name (used by the first call)
     * @param onForeignWrite must not block
     * @return the listener, through which its owner says whether it needs to hear of foreign writes now
     * @throws EngineException when the watch connection cannot be opened
     */
    synchronized Listener watch(String threadName, Runnable onForeignWrite) {
        Listener listener = new Listener(onForeignWrite);
        this.watchers.add(listener);
        if (watcher != null) {
            return listener;
        }
        try {
            watchConnection = source.getConnection();
            lastDataVersion = dataVersion();
        } catch (SQLException e) {
            throw new EngineException("cannot open the SQLite watch connection: " + e.getMessage(), e);
        }
        fileEvents = watchDirectory(threadName + "-events");
        watcher = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(threadName));
        watcher.execute(this::check);
        watcher.scheduleWithFixedDelay(this::check, WATCH_INTERVAL_MS, WATCH_INTERVAL_MS, TimeUnit.MILLISECONDS);
        return listener;
    }

    /**
     * A watch service for the directory, its events read on a thread of its own; the directory is registered by
     * {@link #check()} while someone is interested. Null when the platform cannot watch it.
     */
    private WatchService watchDirectory(String threadName) {
        Path directory = file.getParent();
        String prefix = file.getFileName().toString();
        WatchService service;
        try {
            service = directory.getFileSystem().newWatchService();
            // One registration now tells whether the platform can watch this directory at all.
            directory.register(service, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE).cancel();
        } catch (IOException | UnsupportedOperationException e) {
            LOG.info("cannot watch {} for changes ({}); looking for other processes' writes every {} ms", directory,
                    e.toString(), WATCH_INTERVAL_MS);
            return null;
        }
        DaemonThreads.newThread(threadName, () -> {
            try {
                while (true) {
                    WatchKey key = service.take();
                    boolean ours = false;
                    for (WatchEvent<?> event : key.pollEvents()) {
                        ours |= event.context() instanceof Path p && p.toString().startsWith(prefix);
                    }
                    key.reset();
                    if (ours || !key.isValid()) {
                        requestCheck();
                    }
                }
            } catch (InterruptedException | ClosedWatchServiceException | RejectedExecutionException stopped) {
                // closed
            }
        }).start();
        return service;
    }

    /** Looks for other processes' writes within {@value #MIN_CHECK_GAP_MS} ms: a listener's interest rose. */
    private void checkSoon() {
        if (watcher != null) {
            try {
                requestCheck();
            } catch (RejectedExecutionException closing) {
                LOG.debug("no check: the database is closing");
            }
        }
    }

    private void requestCheck() {
        if (checkRequested.compareAndSet(false, true)) {
            long wait = lastCheckNanos + TimeUnit.MILLISECONDS.toNanos(MIN_CHECK_GAP_MS) - System.nanoTime();
            watcher.schedule(this::check, Math.max(0, wait), TimeUnit.NANOSECONDS);
        }
    }

    /** Runs on the watcher executor only. */
    private void check() {
        checkRequested.set(false);
        long now = System.nanoTime();
        if (watchers.stream().noneMatch(w -> w.interested)) {
            if (directoryKey != null && now - lastInterestNanos > TimeUnit.MILLISECONDS.toNanos(UNWATCH_AFTER_MS)) {
                directoryKey.cancel();
                directoryKey = null;
            }
            return; // lastDataVersion stays: the next interested check wakes for whatever changed meanwhile
        }
        lastInterestNanos = now;
        lastCheckNanos = now;
        if (directoryKey == null && fileEvents != null) {
            registerDirectory(); // before reading the version, so that no write falls between the two
        }
        try {
            long version = dataVersion();
            if (version != lastDataVersion) {
                lastDataVersion = version;
                watchers.forEach(w -> w.onForeignWrite.run());
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("data_version check failed", e);
        }
    }

    /** @return whether the directory is registered for file events now (someone was interested lately) */
    boolean watchingFileEvents() {
        return directoryKey != null;
    }

    private void registerDirectory() {
        try {
            directoryKey = file.getParent().register(fileEvents, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_CREATE);
        } catch (IOException | ClosedWatchServiceException e) {
            LOG.debug("cannot watch {} for changes; the {} ms look remains", file.getParent(), WATCH_INTERVAL_MS, e);
        }
    }

    private long dataVersion() throws SQLException {
        try (Statement st = watchConnection.createStatement(); ResultSet rs = st.executeQuery("PRAGMA data_version")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A listener of {@link #watch}, told of other processes' writes only while it says it needs to be. */
    final class Listener {
        private final Runnable onForeignWrite;
        private volatile boolean interested;

        private Listener(Runnable onForeignWrite) {
            this.onForeignWrite = onForeignWrite;
        }

        /**
         * Says whether the listener needs to hear of other processes' writes now (a long-poll is parked). A rise
         * looks for them within {@value #MIN_CHECK_GAP_MS} ms, writes made while nobody was interested included.
         * Never blocks.
         *
         * @param now whether it needs to
         */
        void interested(boolean now) {
            boolean was = interested;
            interested = now;
            if (now && !was) {
                checkSoon();
            }
        }
    }

    /** Stops the watch and closes every connection. Never throws. */
    @Override
    public void close() {
        if (fileEvents != null) {
            try {
                fileEvents.close();
            } catch (IOException e) {
                LOG.debug("closing the file watch failed", e);
            }
        }
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

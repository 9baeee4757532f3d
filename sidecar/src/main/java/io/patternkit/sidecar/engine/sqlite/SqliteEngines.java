package io.patternkit.sidecar.engine.sqlite;

import io.patternkit.sidecar.checkpoint.CheckpointEngine;
import io.patternkit.sidecar.common.Closeables;
import io.patternkit.sidecar.host.EngineFamily;
import io.patternkit.sidecar.leader.LeaseEngine;
import io.patternkit.sidecar.workqueue.QueueEngine;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded engine as the host opens it: one SQLite file ({@code patternkit.db} in the data
 * directory), one connection pool and one watch for other processes' writes, shared by the work
 * queue and leader election of this process.
 */
public final class SqliteEngines implements EngineFamily {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteEngines.class);

    private final Path file;
    private final Clock clock;
    private final Closeables opened = new Closeables();
    private SqliteDatabase database;

    /**
     * The engine as the sidecar runs it: leases and visibility timeouts judged by the machine's monotonic clock,
     * anchored once per boot in the file ({@link MachineClock}), so a jump of one process's wall clock changes
     * nothing.
     *
     * @param dataDir the directory of {@code patternkit.db}; created when missing
     * @return the engine, not yet opened
     */
    public static SqliteEngines onMachineClock(Path dataDir) {
        return new SqliteEngines(dataDir, new MachineClock());
    }

    /**
     * @param dataDir the directory of {@code patternkit.db}; created when missing
     * @param clock the engine's clock, read by {@code pk_now_ms()} for every visibility and expiry decision (a
     *     test's controllable clock)
     */
    public SqliteEngines(Path dataDir, Clock clock) {
        this.file = dataDir.resolve("patternkit.db");
        this.clock = clock;
    }

    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public <T> Optional<T> open(Class<T> spi) {
        if (spi == QueueEngine.Opener.class) {
            QueueEngine.Opener opener = backoff -> opened.add(SqliteQueueEngine.on(database(), backoff, false));
            return Optional.of(spi.cast(opener));
        }
        if (spi == LeaseEngine.class) {
            return Optional.of(spi.cast(opened.add(SqliteLeaseEngine.on(database(), false))));
        }
        if (spi == CheckpointEngine.class) {
            return Optional.of(spi.cast(SqliteCheckpointEngine.on(database())));
        }
        return Optional.empty();
    }

    private SqliteDatabase database() {
        if (database == null) {
            SqliteNativeLibrary.useCopyIn(file.toAbsolutePath().getParent());
            database = opened.add(SqliteDatabase.open(file, clock, "patternkit-sqlite"));
            LOG.info("SQLite engine open at {}", file.toAbsolutePath());
        }
        return database;
    }

    @Override
    public void close() {
        opened.closeAll();
    }
}

package io.patternkit.sidecar.engine.sqlite;

import io.patternkit.sidecar.engine.jdbc.JdbcCheckpointEngine;
import java.util.List;

/** The embedded checkpoint engine: table {@code checkpoints} in the machine's SQLite file. */
public final class SqliteCheckpointEngine extends JdbcCheckpointEngine {
    private static final List<String> SCHEMA = List.of(
            "CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, version INTEGER NOT NULL, "
                + "fence INTEGER NOT NULL, state TEXT, updated_at INTEGER NOT NULL)");

    private final SqliteDatabase database;

    private SqliteCheckpointEngine(SqliteDatabase database) {
        super(database.pool(), "checkpoints", "pk_now_ms()", "MAX");
        this.database = database;
    }

    /** Reads, then checks the file can still be written ({@link SqliteDatabase#checkWritable()}). */
    @Override
    public void ping() {
        super.ping();
        database.checkWritable();
    }

    /**
     * Checkpoints on a database other engines share; the table is created when missing.
     *
     * @param database the open database
     * @return the engine; the database is closed by its owner
     * @throws io.patternkit.sidecar.common.EngineException when the table cannot be created
     */
    static SqliteCheckpointEngine on(SqliteDatabase database) {
        database.createSchema(SCHEMA);
        return new SqliteCheckpointEngine(database);
    }
}

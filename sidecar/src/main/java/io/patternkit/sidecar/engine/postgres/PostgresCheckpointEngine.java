package io.patternkit.sidecar.engine.postgres;

import com.zaxxer.hikari.HikariDataSource;
import io.patternkit.sidecar.common.EngineException;
import io.patternkit.sidecar.engine.jdbc.JdbcCheckpointEngine;
import org.flywaydb.core.Flyway;

/**
 * The PostgreSQL checkpoint engine: table {@code patternkit_checkpoint.checkpoints}, migrated by Flyway
 * ({@code db/checkpoint/postgres}, its own history in its own schema), times on the database's clock.
 */
public final class PostgresCheckpointEngine extends JdbcCheckpointEngine {
    /** The schema holding the checkpoint table and its migration history. */
    static final String SCHEMA = "patternkit_checkpoint";

    private PostgresCheckpointEngine(HikariDataSource pool) {
        super(pool, SCHEMA + ".checkpoints", SCHEMA + ".now_ms()", "GREATEST");
    }

    /**
     * Checkpoints on a pool other engines share: migrates the checkpoint schema.
     *
     * @param pool the open pool, closed by its owner
     * @return the engine
     * @throws EngineException when the migration fails
     */
    static PostgresCheckpointEngine on(HikariDataSource pool) {
        try {
            Flyway.configure().dataSource(PgPool.forMigrations(pool)).schemas(SCHEMA).createSchemas(true)
                    .locations("classpath:db/checkpoint/postgres").load().migrate();
        } catch (RuntimeException e) {
            throw new EngineException("cannot migrate the PostgreSQL checkpoint schema: " + e.getMessage(), e);
        }
        return new PostgresCheckpointEngine(pool);
    }
}

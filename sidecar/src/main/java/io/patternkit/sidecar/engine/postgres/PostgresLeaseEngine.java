package io.patternkit.sidecar.engine.postgres;

import com.zaxxer.hikari.HikariDataSource;
import io.patternkit.sidecar.engine.jdbc.JdbcLeaseEngine;
import io.patternkit.sidecar.common.EngineException;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL lease engine: table {@code patternkit_leader.leases} migrated by Flyway
 * ({@code db/leader/postgres}, history in {@code patternkit_leader.flyway_schema_history}), expiry
 * judged by the server's {@code now()}, and a trigger that sends {@code NOTIFY patternkit_leader}
 * with the election whenever a term begins or a lease is released; one dedicated connection per
 * sidecar listens and wakes the waiting campaigns and watches.
 */
public final class PostgresLeaseEngine extends JdbcLeaseEngine {
    /** The NOTIFY channel; the payload is the election name. */
    public static final String CHANNEL = "patternkit_leader";
    /** The schema holding the lease table and its migration history. */
    public static final String SCHEMA = "patternkit_leader";
    private static final Logger LOG = LoggerFactory.getLogger(PostgresLeaseEngine.class);

    private final HikariDataSource pool;
    private final boolean ownsPool;
    private final PgListener listener;

    private PostgresLeaseEngine(HikariDataSource pool, String jdbcUrl, String password, boolean ownsPool) {
        super(pool, SCHEMA + ".leases", SCHEMA + ".now_ms()");
        this.pool = pool;
        this.ownsPool = ownsPool;
        this.listener = new PgListener(jdbcUrl, password, CHANNEL, this::externalChange, "patternkit-pg-leader-listen");
    }

    /**
     * Connects, migrates the schema and starts listening for notifications.
     *
     * @param jdbcUrl a {@code jdbc:postgresql:} URL, which may carry user and password
     * @param password the password, or null when the URL carries it or none is needed; never logged
     * @return the open engine; close it
     * @throws EngineException when the server cannot be reached or the migration fails
     */
    public static PostgresLeaseEngine open(String jdbcUrl, String password) {
        HikariDataSource pool = PgPool.open(jdbcUrl, password, "patternkit-postgres-leader", 4);
        try {
            PostgresLeaseEngine engine = on(pool, jdbcUrl, password, true);
            LOG.info("PostgreSQL lease engine connected");
            return engine;
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * Leases on a pool other engines share: migrates the lease schema and starts listening.
     *
     * @param pool the open pool
     * @param jdbcUrl the pool's URL, for the listening connection
     * @param password the password, or null; never logged
     * @param ownsPool whether {@link #close()} closes the pool too
     * @return the engine
     * @throws EngineException when the migration fails
     */
    static PostgresLeaseEngine on(HikariDataSource pool, String jdbcUrl, String password, boolean ownsPool) {
        try {
            Flyway.configure().dataSource(PgPool.forMigrations(pool)).schemas(SCHEMA).createSchemas(true)
                    .locations("classpath:db/leader/postgres").load().migrate();
        } catch (RuntimeException e) {
            throw new EngineException("cannot migrate the PostgreSQL lease schema: " + e.getMessage(), e);
        }
        PostgresLeaseEngine engine = new PostgresLeaseEngine(pool, jdbcUrl, password, ownsPool);
        engine.listener.start();
        return engine;
    }

    @Override
    public boolean reportsExternalChanges() {
        return true;
    }

    @Override
    public void close() {
        listener.close();
        if (ownsPool) {
            pool.close();
        }
    }
}

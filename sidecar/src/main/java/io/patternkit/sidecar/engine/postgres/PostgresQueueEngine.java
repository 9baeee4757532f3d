package io.patternkit.sidecar.engine.postgres;

import com.zaxxer.hikari.HikariDataSource;
import io.patternkit.sidecar.engine.jdbc.JdbcQueueEngine;
import io.patternkit.sidecar.workqueue.Backoff;
import io.patternkit.sidecar.common.EngineException;
import java.sql.Connection;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL engine: a HikariCP pool, the schema migrated by Flyway
 * ({@code db/migration/postgres}), claims through {@code FOR UPDATE SKIP LOCKED}, and visibility
 * judged by the server's {@code now()}. A trigger sends {@code NOTIFY patternkit_workqueue} with
 * the queue name whenever an item is written ready or delayed (a parked claim then learns of a sooner
 * visibility too); one dedicated connection per sidecar listens and wakes the parked long-polls.
 */
public final class PostgresQueueEngine extends JdbcQueueEngine {
    /** The NOTIFY channel; the payload is the queue name. */
    public static final String CHANNEL = "patternkit_workqueue";
    private static final Logger LOG = LoggerFactory.getLogger(PostgresQueueEngine.class);
    /**
     * How the ack names the items table: plainly, since PostgreSQL has no index hints; the ack's statement keeps
     * its queue and state test away from the indexes instead ({@link JdbcQueueEngine#ackStatement}).
     */
    public static final String ITEMS_BY_ID = "workqueue_items";

    private final HikariDataSource pool;
    private final boolean ownsPool;
    private final PgListener listener;

    private PostgresQueueEngine(HikariDataSource pool, String jdbcUrl, String password, Backoff backoff, boolean ownsPool) {
        super(pool, " FOR UPDATE SKIP LOCKED", ITEMS_BY_ID, backoff);
        this.pool = pool;
        this.ownsPool = ownsPool;
        this.listener = new PgListener(jdbcUrl, password, CHANNEL, this::externalChange, "patternkit-pg-listen");
    }

    /**
     * Connects, migrates the schema and starts listening for notifications.
     *
     * @param jdbcUrl a {@code jdbc:postgresql:} URL, which may carry user and password
     * @param password the password, or null when the URL carries it or none is needed; never logged
     * @param backoff the nack backoff schedule
     * @return the open engine; close it
     * @throws EngineException when the server cannot be reached or the migration fails
     */
    public static PostgresQueueEngine open(String jdbcUrl, String password, Backoff backoff) {
        HikariDataSource pool = PgPool.open(jdbcUrl, password, "patternkit-postgres", PgPool.SIZE);
        try {
            PostgresQueueEngine engine = on(pool, jdbcUrl, password, backoff, true);
            LOG.info("PostgreSQL engine connected");
            return engine;
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * The work queue on a pool other engines share: migrates its schema and starts listening.
     *
     * @param pool the open pool
     * @param jdbcUrl the pool's URL, for the listening connection
     * @param password the password, or null; never logged
     * @param backoff the nack backoff schedule
     * @param ownsPool whether {@link #close()} closes the pool too
     * @return the engine
     * @throws EngineException when the migration fails
     */
    static PostgresQueueEngine on(HikariDataSource pool, String jdbcUrl, String password, Backoff backoff, boolean ownsPool) {
        try {
            Flyway.configure().dataSource(PgPool.forMigrations(pool)).locations("classpath:db/migration/postgres")
                    .table("patternkit_workqueue_schema_history").load().migrate();
        } catch (RuntimeException e) {
            throw new EngineException("cannot migrate the PostgreSQL schema: " + e.getMessage(), e);
        }
        PostgresQueueEngine engine = new PostgresQueueEngine(pool, jdbcUrl, password, backoff, ownsPool);
        engine.listener.start();
        return engine;
    }

    /**
     * The claim through {@code workqueue_claim} (Flyway {@code V6}, {@code V9}, {@code V10}), planned with
     * {@code enable_sort} off, so a queue the planner's statistics do not know yet is still claimed in index order
     * instead of sorting its whole backlog on every claim, and picking its items once, in materialized table
     * expressions, so that no plan claims more than the most asked for. Since {@code V10} it is PL/pgSQL, whose plans
     * each session keeps (a SQL function's were made again on every call), with a path of its own for the usual
     * claim, when no claim has lapsed and no delay has ended: 250 against 450 µs for a claim of one item.
     */
    @Override
    protected String claimStatement(Connection c, String queue) {
        return "SELECT " + COLUMNS + " FROM workqueue_claim(?, ?, ?)";
    }

    /**
     * The ids as an array, which PostgreSQL looks up one by one through the primary key: an {@code IN} sub-select
     * was planned as a hash join over a scan of the whole table, every row of every queue, for each chunk of the
     * purge and of the promotion.
     */
    @Override
    protected String idAmong(String subSelect) {
        return "id = ANY (ARRAY(" + subSelect + "))";
    }

    @Override
    public void close() {
        listener.close();
        if (ownsPool) {
            pool.close();
        }
    }
}

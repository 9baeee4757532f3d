package io.patternkit.sidecar.engine.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.patternkit.sidecar.engine.jdbc.JdbcQueueEngine;
import io.patternkit.sidecar.workqueue.Backoff;
import io.patternkit.sidecar.workqueue.EngineException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL engine: a HikariCP pool, the schema migrated by Flyway
 * ({@code db/migration/postgres}), claims through {@code FOR UPDATE SKIP LOCKED}, and visibility
 * judged by the server's {@code now()}. A trigger sends {@code NOTIFY patternkit_workqueue} with
 * the queue name whenever an item becomes ready; one dedicated connection per sidecar listens and
 * wakes the parked long-polls.
 */
public final class PostgresQueueEngine extends JdbcQueueEngine {
    /** The NOTIFY channel; the payload is the queue name. */
    public static final String CHANNEL = "patternkit_workqueue";
    private static final Logger LOG = LoggerFactory.getLogger(PostgresQueueEngine.class);
    private static final int LISTEN_POLL_MS = 500;
    private static final long RECONNECT_DELAY_MS = 1000;

    private final HikariDataSource pool;
    private final String jdbcUrl;
    private final String password;
    private final Thread listener;
    private volatile boolean running = true;

    private PostgresQueueEngine(HikariDataSource pool, String jdbcUrl, String password, Backoff backoff) {
        super(pool, " FOR UPDATE SKIP LOCKED", backoff);
        this.pool = pool;
        this.jdbcUrl = jdbcUrl;
        this.password = password;
        this.listener = new Thread(this::listen, "patternkit-pg-listen");
        this.listener.setDaemon(true);
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
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (password != null) {
            config.setPassword(password);
        }
        config.setPoolName("patternkit-postgres");
        config.setMaximumPoolSize(8);
        config.setConnectionTimeout(5000);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new EngineException("cannot connect to PostgreSQL: " + e.getMessage(), e);
        }
        try {
            Flyway.configure().dataSource(pool).locations("classpath:db/migration/postgres")
                    .table("patternkit_workqueue_schema_history").load().migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw new EngineException("cannot migrate the PostgreSQL schema: " + e.getMessage(), e);
        }
        PostgresQueueEngine engine = new PostgresQueueEngine(pool, jdbcUrl, password, backoff);
        engine.listener.start();
        LOG.info("PostgreSQL engine connected");
        return engine;
    }

    private void listen() {
        while (running) {
            Properties props = new Properties();
            if (password != null) {
                props.setProperty("password", password);
            }
            try (Connection c = DriverManager.getConnection(jdbcUrl, props)) {
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                }
                externalChange(null); // anything missed while (re)connecting
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(LISTEN_POLL_MS);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            externalChange(n.getParameter());
                        }
                    }
                }
            } catch (SQLException e) {
                if (running) {
                    LOG.warn("LISTEN connection failed, reconnecting: {}", e.getMessage());
                    pauseBeforeReconnect();
                }
            }
        }
    }

    private void pauseBeforeReconnect() {
        try {
            Thread.sleep(RECONNECT_DELAY_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        listener.interrupt();
        try {
            listener.join(2 * LISTEN_POLL_MS + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
    }
}

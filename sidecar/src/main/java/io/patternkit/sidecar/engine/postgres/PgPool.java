package io.patternkit.sidecar.engine.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.patternkit.sidecar.common.EngineException;
import io.patternkit.sidecar.common.Redaction;
import java.util.Properties;

/**
 * Opens the HikariCP pools of the PostgreSQL engines, and says how every connection to PostgreSQL meets a
 * broken network ({@link #networkProperties}).
 */
final class PgPool {
    /** Connections of the pool a sidecar's patterns share. */
    static final int SIZE = 8;
    /**
     * The longest wait for a byte from the server, in seconds (pgjdbc's {@code socketTimeout}): every statement
     * of the engines is one short autocommit statement, so a read that waits longer is on a dead connection (a
     * network cut with no FIN or RST) and fails, freeing its thread and its pool slot.
     */
    static final int SOCKET_TIMEOUT_SECONDS = 15;
    /** The longest wait to open a connection, in seconds (pgjdbc's {@code connectTimeout}). */
    static final int CONNECT_TIMEOUT_SECONDS = 5;

    private PgPool() {
    }

    /**
     * The driver settings every connection to PostgreSQL gets unless its JDBC URL sets them (URL parameters win):
     * {@code socketTimeout}, {@code connectTimeout}, and TCP keepalive.
     *
     * @return new properties
     */
    static Properties networkProperties() {
        Properties props = new Properties();
        props.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
        props.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        props.setProperty("tcpKeepAlive", "true");
        return props;
    }

    /**
     * @param jdbcUrl a {@code jdbc:postgresql:} URL, which may carry user and password
     * @param password the password, or null; never logged
     * @param poolName the pool's name
     * @param size the most connections
     * @return the pool; close it
     * @throws EngineException when the server cannot be reached
     */
    static HikariDataSource open(String jdbcUrl, String password, String poolName, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (password != null) {
            config.setPassword(password);
        }
        config.setPoolName(poolName);
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(5000);
        // The engines' statements are written for READ COMMITTED (each sees rows committed before it began, and
        // SKIP LOCKED passes over rows others hold); a database or role whose default is REPEATABLE READ or
        // SERIALIZABLE would fail them with serialization errors under ordinary contention.
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        config.setDataSourceProperties(networkProperties());
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            // Not chained: HikariCP's message and its causes' may quote the whole URL, a password in it included.
            throw new EngineException("cannot connect to PostgreSQL: " + Redaction.scrubbed(e.getMessage(), jdbcUrl), null);
        }
    }
}

package io.patternkit.sidecar.engine.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.patternkit.sidecar.common.EngineException;
import io.patternkit.sidecar.common.Redaction;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

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
     * The pool as Flyway's migrations use it: its connections wait for the server without limit, where the pool's
     * wait {@value #SOCKET_TIMEOUT_SECONDS} s ({@link #networkProperties}). A migration's {@code CREATE INDEX} over a
     * large table may take minutes; cut off, it would fail the sidecar's start at every restart. HikariCP sets a
     * connection's network timeout back when it returns to the pool.
     *
     * @param pool the open pool
     * @return a data source over it for the migrations alone
     */
    static DataSource forMigrations(HikariDataSource pool) {
        return new MigrationDataSource(pool);
    }

    /** {@link #forMigrations}: the pool's connections, with no network timeout. */
    private static final class MigrationDataSource implements DataSource {
        private final HikariDataSource pool;

        MigrationDataSource(HikariDataSource pool) {
            this.pool = pool;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection connection = pool.getConnection();
            try {
                connection.setNetworkTimeout(Runnable::run, 0);
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
            return connection;
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException("the pool's own credentials are used");
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return pool.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            pool.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            pool.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return pool.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return pool.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            if (type.isInstance(this)) {
                return type.cast(this);
            }
            throw new SQLException("not a wrapper of " + type.getName());
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return type.isInstance(this);
        }
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

package io.patternkit.sidecar.engine.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.patternkit.sidecar.common.EngineException;

/** Opens the HikariCP pools of the PostgreSQL engines. */
final class PgPool {
    /** Connections of the pool a sidecar's patterns share. */
    static final int SIZE = 8;
    private PgPool() {
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
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new EngineException("cannot connect to PostgreSQL: " + e.getMessage(), e);
        }
    }
}

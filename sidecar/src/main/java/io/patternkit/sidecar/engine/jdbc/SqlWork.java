package io.patternkit.sidecar.engine.jdbc;

import io.patternkit.sidecar.common.EngineException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** One unit of JDBC work on a pooled connection: the one place the JDBC engines turn SQL failures into {@link EngineException}. */
@FunctionalInterface
interface SqlWork<T> {
    /**
     * Runs the work.
     *
     * @param connection an autocommit connection, closed by the caller
     * @return the result
     * @throws SQLException on any database failure
     */
    T run(Connection connection) throws SQLException;

    /**
     * Runs work on a connection of the pool, translating failures.
     *
     * @param dataSource the pool
     * @param what a short name of the operation for the error message
     * @param work the work
     * @param <T> the result type
     * @return the work's result
     * @throws EngineException when the database fails
     */
    static <T> T inConnection(DataSource dataSource, String what, SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new EngineException(what + " failed: " + e.getMessage(), e);
        }
    }
}

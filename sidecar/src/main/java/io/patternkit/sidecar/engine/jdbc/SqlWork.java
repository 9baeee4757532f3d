package io.patternkit.sidecar.engine.jdbc;

import io.patternkit.protocol.ProblemType;
import io.patternkit.sidecar.common.EngineException;
import io.patternkit.sidecar.common.ProblemException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * One unit of JDBC work on a pooled connection: the one place the JDBC engines turn SQL failures into
 * {@link EngineException}, or, for text the database cannot store, into the client's error.
 */
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
     * @throws ProblemException {@code invalid-request} when the request's text holds a character the database cannot
     *     store (U+0000 in PostgreSQL's {@code text}; SQLSTATE class 22, 22021 or 22P05): retrying cannot help
     */
    static <T> T inConnection(DataSource dataSource, String what, SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            if ("22021".equals(e.getSQLState()) || "22P05".equals(e.getSQLState())) {
                throw new ProblemException(ProblemType.INVALID_REQUEST, what + ": a text field holds a character the "
                        + "database cannot store (PostgreSQL's text holds no U+0000): " + e.getMessage());
            }
            throw new EngineException(what + " failed: " + e.getMessage(), e);
        }
    }
}

package io.patternkit.sidecar.engine.jdbc;

import io.patternkit.sidecar.checkpoint.CheckpointEngine;
import io.patternkit.sidecar.checkpoint.StoredCheckpoint;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The checkpoint SQL shared by the SQLite and PostgreSQL engines: one row per checkpoint, every write
 * one autocommit statement that compares and sets the version and the fence ({@code INSERT ... ON
 * CONFLICT DO UPDATE ... WHERE ... RETURNING}), so concurrent writers in several processes agree.
 */
public abstract class JdbcCheckpointEngine implements CheckpointEngine {
    private static final String RETURNED = " RETURNING name, version, fence, state, updated_at";

    private final DataSource dataSource;
    private final String readSql;
    private final String upsertSql;
    private final String updateSql;
    private final String restoreSql;

    /**
     * @param dataSource a pool of autocommit connections
     * @param table the table, such as {@code checkpoints} or {@code patternkit_checkpoint.checkpoints}
     * @param now the SQL expression of the engine's now in epoch milliseconds
     * @param greatest the SQL function of the larger of two numbers: {@code MAX} (SQLite) or {@code GREATEST}
     */
    protected JdbcCheckpointEngine(DataSource dataSource, String table, String now, String greatest) {
        this.dataSource = dataSource;
        this.readSql = "SELECT name, version, fence, state, updated_at FROM " + table + " WHERE name = ?";
        // expectedVersion null (any) or 0 (never saved): an upsert; a row only fenced so far has version 0
        this.upsertSql = "INSERT INTO " + table + " AS c (name, version, fence, state, updated_at) "
                + "VALUES (?, 1, COALESCE(CAST(? AS BIGINT), 0), ?, " + now + ") "
                + "ON CONFLICT (name) DO UPDATE SET version = c.version + 1, fence = " + greatest
                + "(c.fence, COALESCE(CAST(? AS BIGINT), 0)), state = excluded.state, updated_at = excluded.updated_at "
                + "WHERE (CAST(? AS BIGINT) IS NULL OR c.version = 0) "
                + "AND (CAST(? AS BIGINT) IS NULL OR CAST(? AS BIGINT) >= c.fence)" + RETURNED;
        this.updateSql = "UPDATE " + table + " SET version = version + 1, fence = " + greatest
                + "(fence, COALESCE(CAST(? AS BIGINT), 0)), state = ?, updated_at = " + now
                + " WHERE name = ? AND version = ? AND (CAST(? AS BIGINT) IS NULL OR CAST(? AS BIGINT) >= fence)" + RETURNED;
        this.restoreSql = "INSERT INTO " + table + " AS c (name, version, fence, state, updated_at) VALUES (?, 0, ?, NULL, "
                + now + ") ON CONFLICT (name) DO UPDATE SET fence = " + greatest + "(c.fence, excluded.fence)" + RETURNED;
    }

    private <T> T inConnection(String what, SqlWork<T> work) {
        return SqlWork.inConnection(dataSource, "checkpoint " + what, work);
    }

    @Override
    public Optional<StoredCheckpoint> read(String name) {
        return inConnection("read", c -> {
            try (PreparedStatement ps = c.prepareStatement(readSql)) {
                ps.setString(1, name);
                return one(ps);
            }
        });
    }

    @Override
    public Optional<StoredCheckpoint> save(String name, String stateJson, Long expectedVersion, Long fencingToken) {
        return inConnection("save", c -> {
            if (expectedVersion != null && expectedVersion > 0) {
                try (PreparedStatement ps = c.prepareStatement(updateSql)) {
                    setLong(ps, 1, fencingToken);
                    ps.setString(2, stateJson);
                    ps.setString(3, name);
                    ps.setLong(4, expectedVersion);
                    setLong(ps, 5, fencingToken);
                    setLong(ps, 6, fencingToken);
                    return one(ps);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(upsertSql)) {
                ps.setString(1, name);
                setLong(ps, 2, fencingToken);
                ps.setString(3, stateJson);
                setLong(ps, 4, fencingToken);
                setLong(ps, 5, expectedVersion);
                setLong(ps, 6, fencingToken);
                setLong(ps, 7, fencingToken);
                return one(ps);
            }
        });
    }

    @Override
    public StoredCheckpoint restore(String name, long fencingToken) {
        return inConnection("restore", c -> {
            try (PreparedStatement ps = c.prepareStatement(restoreSql)) {
                ps.setString(1, name);
                ps.setLong(2, fencingToken);
                return one(ps).orElseThrow(() -> new SQLException("the restore returned no row"));
            }
        });
    }

    @Override
    public void ping() {
        inConnection("ping", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1"); ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        });
    }

    private static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }

    private static Optional<StoredCheckpoint> one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new StoredCheckpoint(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4),
                    rs.getLong(5)));
        }
    }
}

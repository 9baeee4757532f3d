package io.patternkit.samples.leader;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The downstream store of the leader sample: it accepts a write only when the writer's fencing
 * token is at least the highest token it has seen, so a leader that was paused past its lease (and
 * still believes it leads) cannot overwrite the work of its successor. This is the check Martin
 * Kleppmann's "How to do distributed locking" asks of every resource a lock protects; the election
 * hands out the tokens, the store enforces them.
 *
 * <p>An SQLite file shared by the replicas' processes; each write is one {@code BEGIN IMMEDIATE}
 * transaction (check the fence, raise it, record the write), and rejected writes are recorded too,
 * so the run can show that none was accepted.
 */
public final class FencedStore implements AutoCloseable {
    private final Connection connection;

    /**
     * Opens (creating if needed) the store.
     *
     * @param file the SQLite file
     * @throws SQLException when the file cannot be opened
     */
    public FencedStore(Path file) throws SQLException {
        connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA busy_timeout=10000");
            s.execute("CREATE TABLE IF NOT EXISTS fence (id INTEGER PRIMARY KEY CHECK (id = 1), token INTEGER NOT NULL)");
            s.execute("INSERT OR IGNORE INTO fence (id, token) VALUES (1, 0)");
            s.execute("CREATE TABLE IF NOT EXISTS writes (seq INTEGER PRIMARY KEY AUTOINCREMENT, token INTEGER NOT NULL,"
                    + " writer TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, accepted INTEGER NOT NULL,"
                    + " fence_before INTEGER NOT NULL, at_ms INTEGER NOT NULL)");
        }
        connection.setAutoCommit(true);
    }

    /**
     * Writes {@code value} under {@code key} if {@code token} is not older than any token seen.
     *
     * @param token the writer's fencing token
     * @param writer who writes (for the record)
     * @param key what is written
     * @param value the value
     * @return true when accepted; false when the token is stale (the write is recorded as rejected)
     * @throws SQLException when the store is unreachable
     */
    public synchronized boolean write(long token, String writer, String key, String value) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
        }
        try {
            long fence;
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT token FROM fence WHERE id = 1")) {
                rs.next();
                fence = rs.getLong(1);
            }
            boolean accepted = token >= fence;
            if (accepted && token > fence) {
                try (PreparedStatement p = connection.prepareStatement("UPDATE fence SET token = ? WHERE id = 1")) {
                    p.setLong(1, token);
                    p.executeUpdate();
                }
            }
            try (PreparedStatement p = connection.prepareStatement("INSERT INTO writes (token, writer, key, value, accepted,"
                    + " fence_before, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                p.setLong(1, token);
                p.setString(2, writer);
                p.setString(3, key);
                p.setString(4, value);
                p.setInt(5, accepted ? 1 : 0);
                p.setLong(6, fence);
                p.setLong(7, System.currentTimeMillis());
                p.executeUpdate();
            }
            try (Statement s = connection.createStatement()) {
                s.execute("COMMIT");
            }
            return accepted;
        } catch (SQLException | RuntimeException e) {
            try (Statement s = connection.createStatement()) {
                s.execute("ROLLBACK");
            }
            throw e;
        }
    }

    /**
     * The key of the last accepted write, so a new leader resumes where the last one stopped.
     *
     * @param prefix keys considered
     * @return the greatest accepted key with that prefix, or null
     * @throws SQLException when the store is unreachable
     */
    public synchronized String lastAcceptedKey(String prefix) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement(
                "SELECT max(key) FROM writes WHERE accepted = 1 AND key LIKE ? || '%'")) {
            p.setString(1, prefix);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /**
     * Every write attempt, accepted or not, in the order the store saw them.
     *
     * @return the history
     * @throws SQLException when the store is unreachable
     */
    public synchronized List<Write> history() throws SQLException {
        List<Write> writes = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT seq, token, writer, key, accepted, fence_before, at_ms FROM writes ORDER BY seq")) {
            while (rs.next()) {
                writes.add(new Write(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getInt(5) == 1, rs.getLong(6), rs.getLong(7)));
            }
        }
        return writes;
    }

    @Override
    public synchronized void close() throws SQLException {
        connection.close();
    }

    /**
     * One write attempt.
     *
     * @param seq the store's order
     * @param token the writer's fencing token
     * @param writer who wrote
     * @param key what was written
     * @param accepted whether the store took it
     * @param fenceBefore the highest token seen before this write
     * @param atMillis wall-clock time of the attempt, epoch milliseconds
     */
    public record Write(long seq, long token, String writer, String key, boolean accepted, long fenceBefore, long atMillis) {
    }
}

package io.patternkit.sidecar.engine.jdbc;

import io.patternkit.sidecar.leader.AcquireResult;
import io.patternkit.sidecar.leader.LeaseEngine;
import io.patternkit.sidecar.leader.LeaseRecord;
import io.patternkit.sidecar.leader.ReleaseOutcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The lease SQL shared by the SQLite and PostgreSQL engines: one row per election
 * ({@code election, holder, term, acquired_at, renewed_at, expires_at}, times in epoch
 * milliseconds on the database's clock), changed only by single autocommit statements that
 * compare and set in one go ({@code INSERT ... ON CONFLICT DO UPDATE ... WHERE ... RETURNING},
 * {@code UPDATE ... WHERE holder = ? AND term = ? ... RETURNING}).
 *
 * <p>A lease is live while {@code expires_at > now}. Releasing sets {@code expires_at} to now and
 * keeps holder and term, so the next acquisition, by anyone, starts term + 1, and a repeated
 * release by the same holder is recognised. Rows are never deleted, so terms never go back.
 */
public abstract class JdbcLeaseEngine implements LeaseEngine {
    private final DataSource dataSource;
    private final String acquireSql;
    private final String renewSql;
    private final String releaseSql;
    private final String readSql;
    private volatile Consumer<String> changeListener = election -> { };

    /**
     * Creates the engine.
     *
     * @param dataSource the connection pool, in autocommit mode
     * @param table the lease table, possibly schema-qualified
     * @param now the SQL expression of the database's now in epoch milliseconds, stable within a statement
     */
    protected JdbcLeaseEngine(DataSource dataSource, String table, String now) {
        this.dataSource = dataSource;
        String live = "l.holder = excluded.holder AND l.expires_at > " + now;
        this.acquireSql = "INSERT INTO " + table + " AS l (election, holder, term, acquired_at, renewed_at, expires_at) "
                + "VALUES (?, ?, 1, " + now + ", " + now + ", " + now + " + ?) "
                + "ON CONFLICT (election) DO UPDATE SET "
                + "term = CASE WHEN " + live + " THEN l.term ELSE l.term + 1 END, "
                + "acquired_at = CASE WHEN " + live + " THEN l.acquired_at ELSE excluded.acquired_at END, "
                + "holder = excluded.holder, renewed_at = excluded.renewed_at, expires_at = excluded.expires_at "
                + "WHERE l.holder = excluded.holder OR l.expires_at <= " + now + " "
                + "RETURNING term, acquired_at, expires_at - " + now;
        this.renewSql = "UPDATE " + table + " SET renewed_at = " + now + ", expires_at = " + now + " + ? "
                + "WHERE election = ? AND holder = ? AND term = ? AND expires_at > " + now + " "
                + "RETURNING term, acquired_at, expires_at - " + now;
        this.releaseSql = "UPDATE " + table + " SET expires_at = " + now + " "
                + "WHERE election = ? AND holder = ? AND term = ? AND expires_at > " + now + " RETURNING term";
        this.readSql = "SELECT holder, term, acquired_at, expires_at - " + now + " FROM " + table + " WHERE election = ?";
    }

    private <T> T inConnection(String what, SqlWork<T> work) {
        return SqlWork.inConnection(dataSource, what, work);
    }

    /**
     * Tells the registered listener that an election's lease may have changed through a write
     * this process did not make.
     *
     * @param election the election, or null when unknown
     */
    protected final void externalChange(String election) {
        changeListener.accept(election);
    }

    @Override
    public void onExternalChange(Consumer<String> listener) {
        this.changeListener = listener;
    }

    @Override
    public AcquireResult tryAcquire(String election, String candidate, Duration leaseDuration) {
        return inConnection("acquire", c -> {
            try (PreparedStatement st = c.prepareStatement(acquireSql)) {
                st.setString(1, election);
                st.setString(2, candidate);
                st.setLong(3, leaseDuration.toMillis());
                try (ResultSet rs = st.executeQuery()) {
                    if (rs.next()) {
                        return new AcquireResult(true, record(election, candidate, rs.getLong(1), rs.getLong(2), rs.getLong(3)));
                    }
                }
            }
            return new AcquireResult(false, read(c, election));
        });
    }

    @Override
    public Optional<LeaseRecord> renew(String election, String candidate, long term, Duration leaseDuration) {
        return inConnection("renew", c -> {
            try (PreparedStatement st = c.prepareStatement(renewSql)) {
                st.setLong(1, leaseDuration.toMillis());
                st.setString(2, election);
                st.setString(3, candidate);
                st.setLong(4, term);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? Optional.of(record(election, candidate, rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                            : Optional.empty();
                }
            }
        });
    }

    @Override
    public ReleaseOutcome release(String election, String candidate, long term) {
        return inConnection("release", c -> {
            try (PreparedStatement st = c.prepareStatement(releaseSql)) {
                st.setString(1, election);
                st.setString(2, candidate);
                st.setLong(3, term);
                try (ResultSet rs = st.executeQuery()) {
                    if (rs.next()) {
                        return ReleaseOutcome.RELEASED;
                    }
                }
            }
            // Nothing live to release: only classify. A lapsed or released term of this holder can
            // only move on to a greater term, never back to live, so this read cannot mislead.
            try (PreparedStatement st = c.prepareStatement(readSql)) {
                st.setString(1, election);
                try (ResultSet rs = st.executeQuery()) {
                    boolean same = rs.next() && candidate.equals(rs.getString(1)) && rs.getLong(2) == term;
                    return same ? ReleaseOutcome.ALREADY_RELEASED : ReleaseOutcome.NOT_HOLDER;
                }
            }
        });
    }

    @Override
    public LeaseRecord read(String election) {
        return inConnection("read", c -> read(c, election));
    }

    private LeaseRecord read(Connection c, String election) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(readSql)) {
            st.setString(1, election);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return LeaseRecord.never(election);
                }
                return record(election, rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
            }
        }
    }

    private static LeaseRecord record(String election, String holder, long term, long acquiredAtMs, long remainingMs) {
        boolean live = remainingMs > 0;
        return new LeaseRecord(election, live ? holder : null, term, Instant.ofEpochMilli(acquiredAtMs),
                Duration.ofMillis(Math.max(0, remainingMs)));
    }

    @Override
    public void ping() {
        inConnection("ping", c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT 1"); ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        });
    }
}

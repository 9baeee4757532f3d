package io.patternkit.sidecar.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The engines' pool on a real PostgreSQL server ({@code PATTERNKIT_TEST_JDBC_URL}; skipped only when unset). */
class PgPoolTest {
    private static final String URL = System.getenv("PATTERNKIT_TEST_JDBC_URL");

    @Test
    void connectionsReadCommittedWhateverTheServersDefault() throws SQLException {
        assumeTrue(URL != null && !URL.isBlank(), "PATTERNKIT_TEST_JDBC_URL is not set");
        // A role or database set to SERIALIZABLE by default, as some shops do: the engines' claims, written for READ
        // COMMITTED, would fail with serialization errors under ordinary contention.
        String serializableByDefault = URL + (URL.contains("?") ? "&" : "?")
                + "options=-c%20default_transaction_isolation%3Dserializable";
        try (HikariDataSource pool = PgPool.open(serializableByDefault, null, "isolation-test", 1);
                Connection connection = pool.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SHOW transaction_isolation")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("read committed");
        }
    }

    @Test
    void migrationsWaitForTheServerWithoutLimitAndThePoolGetsItsTimeoutBack() throws SQLException {
        assumeTrue(URL != null && !URL.isBlank(), "PATTERNKIT_TEST_JDBC_URL is not set");
        try (HikariDataSource pool = PgPool.open(URL, null, "migration-test", 1)) {
            try (Connection migrating = PgPool.forMigrations(pool).getConnection()) {
                assertThat(migrating.getNetworkTimeout()).as("a long CREATE INDEX is not cut off").isZero();
            }
            try (Connection pooled = pool.getConnection()) {
                assertThat(pooled.getNetworkTimeout()).isEqualTo(PgPool.SOCKET_TIMEOUT_SECONDS * 1000);
            }
        }
    }
}

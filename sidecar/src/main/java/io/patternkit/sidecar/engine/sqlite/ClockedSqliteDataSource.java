package io.patternkit.sidecar.engine.sqlite;

import java.sql.SQLException;
import java.time.Clock;
import org.sqlite.Function;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

/**
 * An SQLite data source whose connections define {@code pk_now_ms()}, the engine's notion of now in
 * epoch milliseconds, read from an injectable {@link Clock} so tests control time.
 */
final class ClockedSqliteDataSource extends SQLiteDataSource {
    private final Clock clock;

    ClockedSqliteDataSource(SQLiteConfig config, String url, Clock clock) {
        super(config);
        setUrl(url);
        this.clock = clock;
    }

    @Override
    public SQLiteConnection getConnection(String username, String password) throws SQLException {
        SQLiteConnection connection = super.getConnection(username, password);
        Function.create(connection, "pk_now_ms", new Function() {
            @Override
            protected void xFunc() throws SQLException {
                result(clock.millis());
            }
        }, 0, 0);
        return connection;
    }
}

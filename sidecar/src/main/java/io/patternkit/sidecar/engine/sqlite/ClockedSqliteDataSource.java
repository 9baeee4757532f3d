package io.patternkit.sidecar.engine.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import org.apache.commons.dbcp2.DelegatingPreparedStatement;
import org.apache.commons.dbcp2.PoolingConnection;
import org.apache.commons.pool2.impl.GenericKeyedObjectPool;
import org.apache.commons.pool2.impl.GenericKeyedObjectPoolConfig;
import org.sqlite.Function;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

/**
 * An SQLite data source whose connections define {@code pk_now_ms()}, the engine's notion of now in
 * epoch milliseconds, read from an injectable {@link Clock} so tests control time, and keep their prepared
 * statements for reuse ({@link #getConnection()}).
 */
final class ClockedSqliteDataSource extends SQLiteDataSource {
    /** How many prepared statements one connection keeps; the least recently used idle one goes first. */
    static final int STATEMENTS_PER_CONNECTION = 64;
    private final Clock clock;

    ClockedSqliteDataSource(SQLiteConfig config, String url, Clock clock) {
        super(config);
        setUrl(url);
        this.clock = clock;
    }

    /**
     * A connection as {@link #getConnection(String, String)} makes it, whose prepared statements are kept for reuse by
     * Commons DBCP's {@link PoolingConnection}, up to {@value #STATEMENTS_PER_CONNECTION}: sqlite-jdbc compiles the
     * SQL again on every {@code prepareStatement}, HikariCP (which pools these connections) leaves statement caching
     * to the driver, and compiling the queue's statements took a tenth of a sidecar's CPU at batch 1. Closing such a
     * statement resets it and clears its parameters and result sets, so it holds no read snapshot while kept.
     *
     * @return a new connection; closing it closes its kept statements
     * @throws SQLException when SQLite cannot open the file
     */
    @Override
    public Connection getConnection() throws SQLException {
        PoolingConnection connection = new PoolingConnection(getConnection(null, null));
        GenericKeyedObjectPoolConfig<DelegatingPreparedStatement> config = new GenericKeyedObjectPoolConfig<>();
        config.setMaxTotal(STATEMENTS_PER_CONNECTION);
        config.setMaxTotalPerKey(-1);
        config.setMaxIdlePerKey(1);
        config.setBlockWhenExhausted(false);
        config.setJmxEnabled(false);
        connection.setStatementPool(new GenericKeyedObjectPool<>(connection, config));
        return connection;
    }

    /**
     * A connection with {@code pk_now_ms()} defined. The function is declared deterministic, which makes a call of it a
     * constant expression to SQLite: computed once per execution of a statement for each place the statement names it,
     * instead of once per row the statement visits. Every row a claim or an ack writes gets the same time, and a claim
     * of ten items calls back into Java twice (its {@code WHERE} and its {@code SET}) rather than twenty times or more;
     * two places in one statement may read times a millisecond apart. A function declared deterministic must also
     * never feed an index (an indexed expression or a partial index's {@code WHERE}), a {@code CHECK} constraint or a
     * generated column, where SQLite would store what it returned once; {@code pk_now_ms()} is in none.
     *
     * @param username ignored by SQLite
     * @param password ignored by SQLite
     * @return the new connection
     * @throws SQLException when SQLite cannot open the file or define the function
     */
    @Override
    public SQLiteConnection getConnection(String username, String password) throws SQLException {
        SQLiteConnection connection = super.getConnection(username, password);
        Function.create(connection, "pk_now_ms", new Function() {
            @Override
            protected void xFunc() throws SQLException {
                result(clock.millis());
            }
        }, 0, Function.FLAG_DETERMINISTIC);
        return connection;
    }
}

package io.patternkit.sidecar.engine.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watch of other processes' writes to a shared file ({@link SqliteDatabase#watch}): two databases on one file
 * stand for two sidecar processes.
 */
class SqliteDatabaseWatchTest {
    @TempDir
    Path dir;

    @Test
    void aForeignWriteWakesAnInterestedListenerAndFileEventsStopWhileNobodyIsInterested() throws Exception {
        Path file = dir.resolve("patternkit.db");
        try (SqliteDatabase watching = SqliteDatabase.open(file, Clock.systemUTC(), "watching");
                SqliteDatabase writing = SqliteDatabase.open(file, Clock.systemUTC(), "writing")) {
            AtomicInteger woken = new AtomicInteger();
            SqliteDatabase.Listener listener = watching.watch("test-watch", woken::incrementAndGet);
            assertThat(watching.watchingFileEvents()).as("nobody interested yet").isFalse();
            listener.interested(true);
            await().atMost(Duration.ofSeconds(10)).until(watching::watchingFileEvents);

            write(writing, 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> woken.get() == 1);

            listener.interested(false);
            await().atMost(Duration.ofSeconds(10)).until(() -> !watching.watchingFileEvents());
            write(writing, 2); // nobody listens for it now

            listener.interested(true);
            await().atMost(Duration.ofSeconds(10)).until(() -> woken.get() == 2);
            assertThat(watching.watchingFileEvents()).as("registered again for the next writes").isTrue();
            write(writing, 3);
            await().atMost(Duration.ofSeconds(10)).until(() -> woken.get() == 3);
        }
    }

    private static void write(SqliteDatabase database, long at) throws Exception {
        try (Connection c = database.pool().getConnection();
                PreparedStatement st = c.prepareStatement("INSERT OR REPLACE INTO pk_write_probe (id, at) VALUES (1, ?)")) {
            st.setLong(1, at);
            st.executeUpdate();
        }
    }
}

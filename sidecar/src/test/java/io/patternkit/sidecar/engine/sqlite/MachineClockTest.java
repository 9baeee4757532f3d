package io.patternkit.sidecar.engine.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The clock SQLite leases and visibility timeouts are judged by: one anchor per boot, shared through the file. */
class MachineClockTest {
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    @TempDir
    Path dir;

    @Test
    void everyProcessOfABootKeepsToTheFirstOnesAnchorNotToItsOwnWallClock() throws Exception {
        assumeThat(Files.isReadable(BOOT_ID)).as("a Linux boot id").isTrue();
        String bootId = Files.readString(BOOT_ID).strip();
        long hourAgo = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
        try (SqliteDatabase first = SqliteDatabase.open(dir.resolve("patternkit.db"), Clock.systemUTC(), "first");
                Connection c = first.pool().getConnection()) {
            c.createStatement().execute("CREATE TABLE pk_clock (boot_id TEXT PRIMARY KEY, wall_ms INTEGER NOT NULL, "
                    + "mono_ns INTEGER NOT NULL)");
            // The anchor of "another process" of this boot whose wall clock was an hour behind this one's.
            try (PreparedStatement st = c.prepareStatement("INSERT INTO pk_clock VALUES (?, ?, ?)")) {
                st.setString(1, bootId);
                st.setLong(2, hourAgo);
                st.setLong(3, System.nanoTime());
                st.execute();
            }
        }
        MachineClock clock = new MachineClock();
        try (SqliteDatabase second = SqliteDatabase.open(dir.resolve("patternkit.db"), clock, "second");
                Connection c = second.pool().getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT pk_now_ms()")) {
            assertThat(clock.millis()).isBetween(hourAgo, hourAgo + Duration.ofMinutes(1).toMillis());
            rs.next();
            assertThat(rs.getLong(1)).as("pk_now_ms() reads it").isBetween(hourAgo, hourAgo + Duration.ofMinutes(1).toMillis());
        }
    }

    @Test
    void theFirstProcessOfABootAnchorsAtItsWallClockAndEveryOtherJoinsIt() {
        assumeThat(Files.isReadable(BOOT_ID)).as("a Linux boot id").isTrue();
        MachineClock a = new MachineClock();
        MachineClock b = new MachineClock();
        try (SqliteDatabase one = SqliteDatabase.open(dir.resolve("patternkit.db"), a, "a");
                SqliteDatabase two = SqliteDatabase.open(dir.resolve("patternkit.db"), b, "b")) {
            assertThat(one.pool()).isNotSameAs(two.pool()); // two processes' pools on one file
            long wall = System.currentTimeMillis();
            assertThat(a.millis()).isBetween(wall - 1000, wall + 1000);
            long ma = a.millis();
            long mb = b.millis();
            assertThat(Math.abs(ma - mb)).as("one anchor for both").isLessThanOrEqualTo(5);
            assertThat(a.millis()).isGreaterThanOrEqualTo(ma);
        }
    }
}

package io.patternkit.sidecar.engine.sqlite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clock by which every process sharing one SQLite file judges leases and visibility timeouts: epoch
 * milliseconds that advance with the machine's monotonic clock, so that a jump of one process's wall clock (a
 * step by NTP, a wrong {@code date -s}, a container with a faked clock) cannot make a live lease look expired or
 * an invisible item look visible to it. Every process on the machine reads the same monotonic clock (Linux's
 * {@code CLOCK_MONOTONIC}, which is what {@link System#nanoTime()} reads on Linux), and all of them use the same
 * anchor: the wall time and monotonic time of the first process that opened the file since the machine booted,
 * kept in the file's {@code pk_clock} table under the kernel's boot id ({@code /proc/sys/kernel/random/boot_id}).
 * After a reboot the monotonic clock starts again, the boot id changes, and the first process anchors anew at
 * the wall time of that moment, so times stored before the reboot stay in order with those after it.
 *
 * <p>Times it reports therefore follow the wall clock as it was when the anchor was taken: if the wall clock is
 * stepped later, this clock does not follow the step (that is its purpose). Without a boot id (not Linux) it is
 * the wall clock, as before. Unanchored (before {@link #anchor}), it is the wall clock too.
 */
final class MachineClock extends Clock {
    private static final Logger LOG = LoggerFactory.getLogger(MachineClock.class);
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    private volatile long anchorWallMs;
    private volatile long anchorMonoNanos;
    private volatile boolean anchored;

    /**
     * Takes or joins this boot's anchor in the database: the first process of the boot writes it, every later
     * one reads it. Idempotent. Without a boot id the clock stays the wall clock.
     *
     * @param database the SQLite database shared by the machine's sidecars
     * @throws SQLException when the table cannot be written or read
     */
    synchronized void anchor(DataSource database) throws SQLException {
        if (anchored) {
            return;
        }
        Optional<String> bootId = bootId();
        if (bootId.isEmpty()) {
            LOG.info("no boot id on this system: SQLite leases and visibility timeouts follow the wall clock");
            return;
        }
        try (Connection c = database.getConnection()) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS pk_clock (boot_id TEXT PRIMARY KEY, wall_ms INTEGER NOT NULL, "
                        + "mono_ns INTEGER NOT NULL)");
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT OR IGNORE INTO pk_clock (boot_id, wall_ms, mono_ns) VALUES (?, ?, ?)")) {
                insert.setString(1, bootId.get());
                insert.setLong(2, System.currentTimeMillis());
                insert.setLong(3, System.nanoTime());
                insert.executeUpdate();
            }
            try (PreparedStatement select = c.prepareStatement("SELECT wall_ms, mono_ns FROM pk_clock WHERE boot_id = ?")) {
                select.setString(1, bootId.get());
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    anchorWallMs = rs.getLong(1);
                    anchorMonoNanos = rs.getLong(2);
                }
            }
            try (PreparedStatement purge = c.prepareStatement("DELETE FROM pk_clock WHERE boot_id <> ?")) {
                purge.setString(1, bootId.get()); // earlier boots' anchors are never read again
                purge.executeUpdate();
            }
        }
        anchored = true;
        long drift = millis() - System.currentTimeMillis();
        if (Math.abs(drift) > 1000) {
            LOG.warn("this process's wall clock is {} ms {} the machine clock SQLite leases and visibility timeouts "
                    + "are judged by (anchored at the first sidecar's start since boot); the engine keeps to the "
                    + "machine clock", Math.abs(drift), drift > 0 ? "behind" : "ahead of");
        }
    }

    private static Optional<String> bootId() {
        try {
            String id = Files.readString(BOOT_ID, StandardCharsets.US_ASCII).strip();
            return id.isEmpty() ? Optional.empty() : Optional.of(id);
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    @Override
    public long millis() {
        if (!anchored) {
            return System.currentTimeMillis();
        }
        return anchorWallMs + (System.nanoTime() - anchorMonoNanos) / 1_000_000;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** @throws UnsupportedOperationException always: one machine clock, in UTC */
    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the machine clock is UTC only");
    }
}

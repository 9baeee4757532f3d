package io.patternkit.sidecar.engine;

import io.patternkit.sidecar.engine.sqlite.SqliteLeaseEngine;
import io.patternkit.sidecar.leader.LeaseEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;

/** The lease engine contract on a temporary SQLite file, with time driven by a manual clock. */
class SqliteLeaseEngineTest extends LeaseEngineContractTest {
    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Override
    protected LeaseEngine open() {
        return SqliteLeaseEngine.open(dir.resolve("patternkit.db"), clock);
    }

    @Override
    protected void pass(Duration d) {
        clock.advance(d);
    }

    @Override
    protected Duration lease() {
        return Duration.ofSeconds(15);
    }
}

package io.patternkit.sidecar.engine;

import io.patternkit.sidecar.engine.sqlite.SqliteQueueEngine;
import io.patternkit.sidecar.workqueue.Backoff;
import io.patternkit.sidecar.workqueue.QueueEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;

/** The engine contract on a temporary SQLite file, with time driven by a manual clock. */
class SqliteQueueEngineTest extends QueueEngineContractTest {
    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Override
    protected QueueEngine open(Backoff backoff) {
        return SqliteQueueEngine.open(dir.resolve("patternkit.db"), clock, backoff);
    }

    @Override
    protected void pass(Duration d) {
        clock.advance(d);
    }

    @Override
    protected long now() {
        return clock.millis();
    }

    @Override
    protected long unit() {
        return 1_000;
    }

    @Override
    protected long tolerance() {
        return 0;
    }
}

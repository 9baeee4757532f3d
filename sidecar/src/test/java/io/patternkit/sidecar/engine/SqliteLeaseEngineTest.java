package io.patternkit.sidecar.engine;

import io.patternkit.sidecar.engine.sqlite.SqliteLeaseEngine;
import io.patternkit.sidecar.leader.LeaseEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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

    @Test
    void aWriteThroughAnotherEngineOnTheSameFileIsReported() {
        try (LeaseEngine watching = open(); LeaseEngine writing = open()) {
            CopyOnWriteArrayList<String> reports = new CopyOnWriteArrayList<>();
            watching.onExternalChange(election -> reports.add(String.valueOf(election)));
            assertThat(watching.reportsExternalChanges()).isTrue();

            // Nothing parked: the write is not looked for yet, but it is reported once a campaign parks.
            writing.tryAcquire("jobs", "a", lease());
            watching.waiting(true);

            await().atMost(Duration.ofSeconds(5)).until(() -> !reports.isEmpty());
            assertThat(watching.read("jobs").holder()).isEqualTo("a");
        }
    }
}

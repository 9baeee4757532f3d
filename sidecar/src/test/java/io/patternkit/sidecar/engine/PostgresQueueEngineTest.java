package io.patternkit.sidecar.engine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patternkit.sidecar.engine.postgres.PostgresQueueEngine;
import io.patternkit.sidecar.workqueue.Backoff;
import io.patternkit.sidecar.workqueue.QueueEngine;
import java.time.Duration;

/**
 * The engine contract on a real PostgreSQL server ({@code PATTERNKIT_TEST_JDBC_URL}; skipped only
 * when unset). The database judges time by its own clock, so real time passes here, in short units.
 * Each test uses its own queue, so runs never see each other's items.
 */
class PostgresQueueEngineTest extends QueueEngineContractTest {
    private static final String URL = System.getenv("PATTERNKIT_TEST_JDBC_URL");

    @Override
    protected QueueEngine open(Backoff backoff) {
        // In open(), which every test's set-up calls, so each test is reported as skipped.
        assumeTrue(URL != null && !URL.isBlank(), "PATTERNKIT_TEST_JDBC_URL is not set");
        return PostgresQueueEngine.open(URL, null, backoff);
    }

    @Override
    protected void pass(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        await().pollDelay(d).pollInterval(Duration.ofMillis(10)).atMost(d.plusSeconds(10))
                .until(() -> System.nanoTime() >= until);
    }

    @Override
    protected long now() {
        return System.currentTimeMillis();
    }

    @Override
    protected long unit() {
        return 400;
    }

    @Override
    protected long tolerance() {
        return 150;
    }
}

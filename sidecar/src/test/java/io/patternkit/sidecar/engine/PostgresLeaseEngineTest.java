package io.patternkit.sidecar.engine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patternkit.sidecar.engine.postgres.PostgresLeaseEngine;
import io.patternkit.sidecar.leader.LeaseEngine;
import java.time.Duration;

/**
 * The lease engine contract on a real PostgreSQL server ({@code PATTERNKIT_TEST_JDBC_URL}; skipped
 * only when unset). The database judges expiry by its own clock, so real time passes here over a
 * short lease. Each test uses its own election, so runs never see each other's leases.
 */
class PostgresLeaseEngineTest extends LeaseEngineContractTest {
    private static final String URL = System.getenv("PATTERNKIT_TEST_JDBC_URL");

    @Override
    protected LeaseEngine open() {
        assumeTrue(URL != null && !URL.isBlank(), "PATTERNKIT_TEST_JDBC_URL is not set");
        return PostgresLeaseEngine.open(URL, null);
    }

    @Override
    protected void pass(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        await().pollDelay(d).pollInterval(Duration.ofMillis(10)).atMost(d.plusSeconds(10))
                .until(() -> System.nanoTime() >= until);
    }

    @Override
    protected Duration lease() {
        return Duration.ofMillis(800);
    }
}

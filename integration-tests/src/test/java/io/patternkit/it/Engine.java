package io.patternkit.it;

import io.patternkit.testing.SidecarProcess;
import java.nio.file.Path;

/** The engines the integration suites run on: the embedded SQLite file, and a real PostgreSQL. */
enum Engine {
    SQLITE,
    POSTGRES;

    /** The JDBC URL of the test PostgreSQL server, set by scripts/pg-start.sh (null when not running). */
    static final String JDBC_URL = System.getenv("PATTERNKIT_TEST_JDBC_URL");

    /**
     * Describes a sidecar on this engine. Sidecars given the same {@code dataDir} share one SQLite
     * file; PostgreSQL sidecars always share the test database.
     */
    SidecarProcess.Builder sidecar(Path dataDir, int port) {
        SidecarProcess.Builder b = SidecarProcess.workqueue().dataDir(dataDir).port(port)
                .args("--backoff-base", "50ms", "--backoff-max", "1s");
        return this == POSTGRES ? b.postgres(JDBC_URL) : b;
    }

    boolean available() {
        return this == SQLITE || JDBC_URL != null;
    }
}

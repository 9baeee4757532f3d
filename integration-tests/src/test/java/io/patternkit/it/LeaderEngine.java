package io.patternkit.it;

import io.patternkit.testing.SidecarProcess;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The engines the leader-election integration suites run on: the embedded SQLite file, a real PostgreSQL
 * (from {@code scripts/pg-start.sh}) and Kubernetes Lease objects in fabric8's mock API server in CRUD mode,
 * started in the test JVM ({@link KubeApiServer}).
 */
enum LeaderEngine {
    SQLITE,
    POSTGRES,
    KUBERNETES;

    /** The namespace of the Lease objects on the Kubernetes engine. */
    static final String NAMESPACE = "patternkit-it";

    /** @return whether the engine can run here (PostgreSQL needs {@code PATTERNKIT_TEST_JDBC_URL}) */
    boolean available() {
        return this != POSTGRES || Engine.JDBC_URL != null;
    }

    /**
     * Describes a leader sidecar on this engine with the given timings. Sidecars given the same
     * {@code dataDir} share one SQLite file; PostgreSQL and Kubernetes sidecars share the test database and
     * the test API server.
     *
     * @param dataDir the SQLite data directory (ignored by the other engines)
     * @param port the port, 0 for any
     * @param lease the lease duration (whole seconds on Kubernetes, whose Leases count seconds)
     * @param renewDeadline the renew deadline
     * @param retryPeriod the retry period
     * @return the builder, not started
     */
    SidecarProcess.Builder sidecar(Path dataDir, int port, Duration lease, Duration renewDeadline,
            Duration retryPeriod) {
        SidecarProcess.Builder b = SidecarProcess.leader().dataDir(dataDir).port(port)
                .args("--lease-duration", lease.toMillis() + "ms", "--renew-deadline", renewDeadline.toMillis() + "ms",
                        "--retry-period", retryPeriod.toMillis() + "ms");
        return switch (this) {
            case SQLITE -> b;
            case POSTGRES -> b.postgres(Engine.JDBC_URL);
            case KUBERNETES -> b.args("--engine", "kubernetes", "--kube-master", KubeApiServer.url(),
                    "--namespace", NAMESPACE);
        };
    }
}

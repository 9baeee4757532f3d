package io.patternkit.sidecar;

import java.nio.file.Path;

/**
 * Which engine the sidecar's patterns store their state in, and how to reach it. Immutable.
 *
 * @param kind the engine
 * @param dataDir the directory of the SQLite file {@code patternkit.db}
 * @param jdbcUrl the PostgreSQL URL, or null unless the engine is PostgreSQL
 * @param jdbcPassword the PostgreSQL password, or null; never logged
 * @param namespace the Kubernetes namespace of the Leases, or null for the configured one
 * @param kubeMaster the Kubernetes API server URL, or null for fabric8's auto-configuration
 */
public record EngineSettings(EngineKind kind, Path dataDir, String jdbcUrl, String jdbcPassword, String namespace,
                             String kubeMaster) {

    /** The engines a sidecar can use. */
    public enum EngineKind {
        /** One SQLite WAL file per machine, shared by local sidecar processes (the default); every pattern. */
        SQLITE,
        /** A PostgreSQL server reached through {@code --jdbc-url}; every pattern. */
        POSTGRES,
        /** {@code coordination.k8s.io/v1} Lease objects in the cluster; leader election only. */
        KUBERNETES
    }

    /** Hides the password from logs and exception messages. */
    @Override
    public String toString() {
        return "EngineSettings[kind=" + kind + ", dataDir=" + dataDir + ", namespace=" + namespace + "]";
    }
}

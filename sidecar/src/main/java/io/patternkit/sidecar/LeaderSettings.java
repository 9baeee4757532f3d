package io.patternkit.sidecar;

import io.patternkit.sidecar.leader.LeaderTiming;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything the leader-election sidecar is configured with. Immutable.
 *
 * @param engine which engine stores the leases
 * @param bind the address to listen on
 * @param port the port, 0 for an ephemeral one
 * @param dataDir the directory of the SQLite file {@code patternkit.db}
 * @param jdbcUrl the PostgreSQL URL, or null unless the engine is PostgreSQL
 * @param jdbcPassword the PostgreSQL password, or null; never logged
 * @param namespace the Kubernetes namespace of the Leases, or null for the configured one
 * @param kubeMaster the Kubernetes API server URL, or null for fabric8's auto-configuration
 * @param timing the lease duration, renew deadline and retry period
 * @param election the election {@code GET /} reports (and the sidecar campaigns in with {@code id})
 * @param id the candidate id the sidecar itself campaigns as, or empty when it does not
 * @param token the API token, or empty for no authentication; never logged
 * @param maxBodyBytes the largest request body, in bytes
 * @param drainTimeout the longest wait for releases and in-flight requests on shutdown
 */
public record LeaderSettings(EngineKind engine, String bind, int port, Path dataDir, String jdbcUrl, String jdbcPassword,
                             String namespace, String kubeMaster, LeaderTiming timing, String election, Optional<String> id,
                             Optional<String> token, long maxBodyBytes, Duration drainTimeout) {

    /** The engines the leader sidecar can use. */
    public enum EngineKind {
        /** One SQLite WAL file per machine, shared by local sidecar processes (the default). */
        SQLITE,
        /** A PostgreSQL server reached through {@code --jdbc-url}. */
        POSTGRES,
        /** {@code coordination.k8s.io/v1} Lease objects in the cluster. */
        KUBERNETES
    }

    /** Hides the secrets from logs and exception messages. */
    @Override
    public String toString() {
        return "LeaderSettings[engine=" + engine + ", bind=" + bind + ", port=" + port + ", dataDir=" + dataDir
                + ", namespace=" + namespace + ", timing=" + timing + ", election=" + election + ", id=" + id.orElse("none")
                + ", token=" + (token.isPresent() ? "***" : "none") + "]";
    }
}

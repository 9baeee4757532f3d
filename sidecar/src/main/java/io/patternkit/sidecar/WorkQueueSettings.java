package io.patternkit.sidecar;

import io.patternkit.sidecar.workqueue.exec.ExecSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything the work-queue sidecar is configured with. Immutable.
 *
 * @param engine which engine stores the items
 * @param bind the address to listen on
 * @param port the port, 0 for an ephemeral one
 * @param dataDir the directory of the SQLite file {@code patternkit.db}
 * @param jdbcUrl the PostgreSQL URL, or null for SQLite
 * @param jdbcPassword the PostgreSQL password, or null; never logged
 * @param token the API token, or empty for no authentication; never logged
 * @param maxBodyBytes the largest request body, in bytes
 * @param maxItemBytes the largest serialised payload of one item, in bytes
 * @param backoffBase the first nack backoff delay
 * @param backoffMax the longest nack backoff delay
 * @param dedupWindow how long acked items keep deduplicating
 * @param defaultMaxAttempts the {@code maxAttempts} of items that do not say
 * @param drainTimeout the longest wait for in-flight requests and running commands on shutdown
 * @param exec the command run per item of a queue, or empty when the sidecar runs none
 */
public record WorkQueueSettings(EngineKind engine, String bind, int port, Path dataDir, String jdbcUrl,
                                String jdbcPassword, Optional<String> token, long maxBodyBytes, long maxItemBytes,
                                Duration backoffBase, Duration backoffMax, Duration dedupWindow,
                                int defaultMaxAttempts, Duration drainTimeout, Optional<ExecSettings> exec) {

    /** The engines the sidecar can use. */
    public enum EngineKind {
        /** One SQLite WAL file per machine, shared by local sidecar processes (the default). */
        SQLITE,
        /** A PostgreSQL server reached through {@code --jdbc-url}. */
        POSTGRES
    }

    /** Hides the secrets from logs and exception messages. */
    @Override
    public String toString() {
        return "WorkQueueSettings[engine=" + engine + ", bind=" + bind + ", port=" + port + ", dataDir=" + dataDir
                + ", token=" + (token.isPresent() ? "***" : "none")
                + ", exec=" + exec.map(e -> e.queue() + " -> " + e.command().get(0)).orElse("none") + "]";
    }
}

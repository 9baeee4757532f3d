package io.patternkit.bench.leader;

import io.patternkit.testing.AppProcess;
import java.nio.file.Path;

/**
 * One leader-election implementation under test: how to start one of its candidates. The harness
 * drives every contender the same way (see {@link Cluster}).
 */
interface Contender extends AutoCloseable {
    /** A short key for files and JSON, such as {@code curator} or {@code patternkit-sqlite}. */
    String key();

    /** The column heading, such as {@code Curator LeaderLatch}. */
    String label();

    /** Whether a candidate is an app with a sidecar of its own (Patternkit) rather than one process. */
    boolean hasSidecar();

    /**
     * Starts one candidate; it joins the election at once.
     *
     * @param candidateId unique within the election
     * @param election the election (lock, lease or path) name, unique per cluster
     * @param lease the lease settings
     * @param events where the candidate's events go
     * @param logDir where its processes' logs go
     * @return the started candidate
     */
    Candidate launch(String candidateId, String election, LeaseSettings lease, AppProcess.Events events, Path logDir);

    /** Releases what the contender holds for all its candidates (clients, servers); none by default. */
    @Override
    default void close() {
    }
}

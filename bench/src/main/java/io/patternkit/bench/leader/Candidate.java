package io.patternkit.bench.leader;

import java.time.Instant;
import java.util.function.Supplier;

/**
 * The harness's handle on one candidate: its app process (a candidate main) and, for Patternkit,
 * the sidecar process it talks to. A peer's candidate is its app process alone.
 */
final class Candidate {
    /** A sidecar process next to the app. */
    interface Sidecar {
        /** Sends SIGKILL without waiting. */
        void kill();

        /** Stops the sidecar (by any means) and waits for it to be gone. */
        void close();
    }

    private final String id;
    private final Supplier<CandidateProcess> appLauncher;
    private final Sidecar sidecar;
    private CandidateProcess app;

    /**
     * @param id the candidate id
     * @param appLauncher starts the app process (again after a crash of the app alone)
     * @param sidecar the sidecar next to it, or null for a peer
     */
    Candidate(String id, Supplier<CandidateProcess> appLauncher, Sidecar sidecar) {
        this.id = id;
        this.appLauncher = appLauncher;
        this.sidecar = sidecar;
        this.app = appLauncher.get();
    }

    String id() {
        return id;
    }

    /** Sends a command to the app process. */
    void send(String command) {
        app.send(command);
    }

    /**
     * {@code kill -9} of the app process alone (a sidecar lives on).
     *
     * @return when the signal was sent, microseconds since the epoch, read right before sending it
     */
    long killApp() {
        long at = CandidateRuntime.epochMicros(Instant.now());
        app.kill();
        return at;
    }

    /**
     * {@code kill -9} of the sidecar, then of the app (sidecar first, so that no live sidecar sees
     * its app's connections close); for a peer the same as {@link #killApp()}.
     *
     * @return when the first signal was sent, microseconds since the epoch
     */
    long killAppAndSidecar() {
        long at = CandidateRuntime.epochMicros(Instant.now());
        if (sidecar != null) {
            sidecar.kill();
        }
        app.kill();
        return at;
    }

    /** Starts the app process again (after {@link #killApp()}), talking to the same sidecar. */
    void restartApp() {
        app.killAndWait();
        app = appLauncher.get();
    }

    /** Kills whatever still runs, app first, and waits for it. */
    void close() {
        app.killAndWait();
        if (sidecar != null) {
            sidecar.close();
        }
    }
}

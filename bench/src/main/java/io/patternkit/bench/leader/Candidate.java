package io.patternkit.bench.leader;

import io.patternkit.testing.AppProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
    private final Supplier<AppProcess> appLauncher;
    private final Sidecar sidecar;
    private AppProcess app;

    /**
     * @param id the candidate id
     * @param appLauncher starts the app process (again after a crash of the app alone)
     * @param sidecar the sidecar next to it, or null for a peer
     */
    Candidate(String id, Supplier<AppProcess> appLauncher, Sidecar sidecar) {
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
     * Starts a candidate main of this package as an {@link AppProcess} named by the candidate id:
     * {@code java -cp <this classpath> <mainClass> --id <candidateId> <args>}, default JVM flags.
     *
     * @param candidateId the id (also the app's name in the events)
     * @param mainClass a candidate main
     * @param args its options, {@code --id} excluded
     * @param events the cluster's events
     * @param log its output file; a restarted candidate gets a new one, numbered
     * @return the running app
     */
    static AppProcess startApp(String candidateId, Class<?> mainClass, List<String> args, AppProcess.Events events,
            Path log) {
        List<String> withId = new ArrayList<>(List.of("--id", candidateId));
        withId.addAll(args);
        Path file = log;
        for (int n = 2; Files.exists(file); n++) {
            file = log.resolveSibling(log.getFileName().toString().replaceFirst("\\.log$", "") + "-" + n + ".log");
        }
        try {
            Files.createDirectories(log.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + log.getParent(), e);
        }
        return AppProcess.start(candidateId, AppProcess.javaMain(List.of(), mainClass, withId), Map.of(), file, events);
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
        app.kill();
        app = appLauncher.get();
    }

    /** Kills whatever still runs, app first, and waits for it. */
    void close() {
        app.kill();
        if (sidecar != null) {
            sidecar.close();
        }
    }
}

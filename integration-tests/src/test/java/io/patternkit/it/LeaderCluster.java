package io.patternkit.it;

import static org.awaitility.Awaitility.await;

import io.patternkit.testing.SidecarProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The cast of a leader integration test: leader sidecar processes on one engine (sharing it), candidate
 * app processes ({@link LeaderCandidateMain}, one per sidecar or more), and the {@link FencedStore} they
 * write to. Closing it kills the apps and stops the sidecars.
 */
final class LeaderCluster implements AutoCloseable {
    final LeaderEngine engine;
    final Duration lease;
    final Duration renewDeadline;
    final Duration retryPeriod;
    final FencedStore store = new FencedStore();
    final List<SidecarProcess> sidecars = new CopyOnWriteArrayList<>();
    final List<CandidateProcess> candidates = new ArrayList<>();
    private final Path dir;

    LeaderCluster(LeaderEngine engine, Path dir, Duration lease, Duration renewDeadline, Duration retryPeriod) {
        this.engine = engine;
        this.dir = dir;
        this.lease = lease;
        this.renewDeadline = renewDeadline;
        this.retryPeriod = retryPeriod;
    }

    /**
     * Starts {@code n} sidecars at once, each on its own fixed port (so that a killed one can come back on
     * the same address), sharing the engine.
     *
     * @param n how many
     * @return the new sidecars
     */
    List<SidecarProcess> startSidecars(int n) {
        List<CompletableFuture<SidecarProcess>> starting = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            starting.add(CompletableFuture.supplyAsync(this::startOnAFreePort));
        }
        // Registered in the order asked for, not the order they came up in: tests pair sidecars[i] with candidates[i]
        // (CI at 7480413 killed the follower's sidecar instead of the leader's when the second came up first).
        List<SidecarProcess> started = new ArrayList<>();
        RuntimeException failure = null;
        for (CompletableFuture<SidecarProcess> s : starting) {
            try {
                started.add(s.join());
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        sidecars.addAll(started); // closed with the cluster, even when another failed to start
        if (failure != null) {
            throw failure;
        }
        return started;
    }

    /**
     * A port found free can be taken by another process (an outgoing connection's ephemeral port) before the
     * sidecar binds it: then the sidecar is started again on another free port, up to three times.
     */
    private SidecarProcess startOnAFreePort() {
        for (int attempt = 1; ; attempt++) {
            SidecarProcess s = engine.sidecar(dir.resolve("data"), Ports.free(), lease, renewDeadline, retryPeriod)
                    .build();
            try {
                return s.start();
            } catch (IllegalStateException e) {
                s.close();
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("Address already in use")) {
                    throw e;
                }
            }
        }
    }

    /**
     * Starts a candidate app against {@code sidecar}.
     *
     * @param id candidate id
     * @param sidecar its sidecar
     * @param prepMs time between its validity check and its write
     * @param elections its elections
     * @return the app
     */
    CandidateProcess candidate(String id, SidecarProcess sidecar, long prepMs, String... elections) {
        CandidateProcess c = CandidateProcess.start(dir, id, sidecar.baseUrl(), store.url(), prepMs, elections);
        candidates.add(c);
        return c;
    }

    /**
     * @param election the election
     * @param afterNanos a {@link System#nanoTime()}
     * @return the earliest ELECTED event (still valid when delivered) of any candidate after that time
     */
    Optional<CandidateEvent> electedAfter(String election, long afterNanos) {
        return candidates.stream().flatMap(c -> c.events().stream())
                .filter(e -> e.electedValid() && e.election().equals(election) && e.t() > afterNanos)
                .min(Comparator.comparingLong(CandidateEvent::t));
    }

    /**
     * Waits for a leader elected after {@code afterNanos}.
     *
     * @param election the election
     * @param afterNanos a {@link System#nanoTime()}
     * @param atMost how long to wait
     * @return its ELECTED event
     */
    CandidateEvent awaitElected(String election, long afterNanos, Duration atMost) {
        AtomicReference<CandidateEvent> found = new AtomicReference<>();
        await().atMost(atMost).pollInterval(Duration.ofMillis(20)).until(() -> {
            electedAfter(election, afterNanos).ifPresent(found::set);
            return found.get() != null;
        });
        return found.get();
    }

    /**
     * Waits until the election is steady: one candidate leads (its latest ELECTED is not followed by a
     * REVOKED), its last three writes were accepted with its token, the last one less than 500 ms ago, and
     * every other live candidate's latest observation names that leader in that term (so it is campaigning:
     * a JVM on a busy machine can take seconds to get there).
     *
     * @param election the election
     * @param atMost how long to wait
     * @return the leader's ELECTED event of the current term
     */
    CandidateEvent awaitSteadyLeader(String election, Duration atMost) {
        return awaitSteadyLeader(election, Long.MIN_VALUE, atMost);
    }

    /**
     * {@link #awaitSteadyLeader(String, Duration)} on evidence from after {@code sinceNanos} only: the three
     * accepted writes arrived after it, and each other candidate observed the leader after its own latest
     * (re)start.
     *
     * @param election the election
     * @param sinceNanos a {@link System#nanoTime()}
     * @param atMost how long to wait
     * @return the leader's ELECTED event of the current term
     */
    CandidateEvent awaitSteadyLeader(String election, long sinceNanos, Duration atMost) {
        AtomicReference<CandidateEvent> found = new AtomicReference<>();
        await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> {
            steadyLeader(election, sinceNanos).ifPresent(found::set);
            return found.get() != null;
        });
        return found.get();
    }

    private Optional<CandidateEvent> steadyLeader(String election, long sinceNanos) {
        List<FencedStore.Attempt> accepted = store.attempts(election).stream()
                .filter(a -> a.accepted() && a.atNanos() > sinceNanos).toList();
        if (accepted.size() < 3) {
            return Optional.empty();
        }
        FencedStore.Attempt last = accepted.get(accepted.size() - 1);
        boolean recent = System.nanoTime() - last.atNanos() < Duration.ofMillis(500).toNanos();
        if (!recent || accepted.subList(accepted.size() - 3, accepted.size()).stream()
                .anyMatch(a -> a.token() != last.token())) {
            return Optional.empty();
        }
        CandidateProcess leader = byId(last.candidate());
        List<CandidateEvent> own = leader.events().stream()
                .filter(e -> e.election().equals(election) && (e.type().equals("ELECTED") || e.type().equals("REVOKED")))
                .sorted(Comparator.comparingLong(CandidateEvent::t)).toList();
        if (own.isEmpty() || !own.get(own.size() - 1).type().equals("ELECTED")
                || own.get(own.size() - 1).token() != last.token()) {
            return Optional.empty();
        }
        boolean observedByAll = candidates.stream().filter(c -> c.isAlive() && c != leader).allMatch(c -> {
            List<CandidateEvent> events = c.events();
            long startedAt = events.stream().filter(e -> e.type().equals("STARTED")).mapToLong(CandidateEvent::t).max()
                    .orElse(Long.MAX_VALUE);
            return events.stream().filter(e -> e.type().equals("OBSERVED") && e.election().equals(election)
                            && e.t() > startedAt).max(Comparator.comparingLong(CandidateEvent::t))
                    .filter(e -> e.detail().equals(leader.id()) && e.term() == last.token()).isPresent();
        });
        return observedByAll ? Optional.of(own.get(own.size() - 1)) : Optional.empty();
    }

    /**
     * @param id a candidate id
     * @return its process handle
     */
    CandidateProcess byId(String id) {
        return candidates.stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }

    /**
     * @param election the election
     * @return its history so far, from every candidate, sidecar log and the store
     */
    LeaderHistory history(String election) {
        return LeaderHistory.of(election, candidates, store, sidecars.stream().map(SidecarProcess::logFile).toList());
    }

    /**
     * Copies the candidates' event files and logs and the sidecars' logs to
     * {@code target/leader-it/<engine>-<name>/}, for reading after a failure.
     *
     * @param name usually the election
     */
    void keepLogs(String name) {
        Path out = Path.of("target", "leader-it", engine.name().toLowerCase(java.util.Locale.ROOT) + "-" + name);
        try {
            Files.createDirectories(out);
            for (CandidateProcess c : candidates) {
                for (Path p : List.of(c.eventsFile(), c.logFile())) {
                    if (Files.exists(p)) {
                        Files.copy(p, out.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            for (int i = 0; i < sidecars.size(); i++) {
                Path p = sidecars.get(i).logFile();
                if (Files.exists(p)) {
                    Files.copy(p, out.resolve("sidecar-" + i + ".log"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        candidates.forEach(CandidateProcess::close);
        sidecars.forEach(s -> {
            if (s.isAlive()) {
                s.resume();
            }
        });
        sidecars.parallelStream().forEach(SidecarProcess::close);
        store.close();
    }
}

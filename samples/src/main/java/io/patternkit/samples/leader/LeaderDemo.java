package io.patternkit.samples.leader;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.patternkit.protocol.Wire;
import io.patternkit.samples.indexing.Corpus;
import io.patternkit.testing.SidecarProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The leader-election sample on real work: several replicas of a job that reports on the JDK's
 * sources batch by batch, each replica an app process with its own leader sidecar process, all
 * sidecars sharing the embedded SQLite engine. Only the leader works, and every write it makes to
 * the downstream {@link FencedStore} carries its fencing token.
 *
 * <p>The run kills the leader's app with {@code kill -9} (its sidecar notices the dropped watch
 * connection and releases the lease at once), then freezes the next leader with {@code SIGSTOP}
 * past its lease, lets a third replica take over, and resumes the frozen one. It checks, from the
 * store's own record, that every batch was reported exactly once and that no write with a stale
 * token was accepted; it exits 0 only then.
 */
@Command(name = "leader-demo", mixinStandardHelpOptions = true,
        description = "Runs leader-elected replicas over the corpus, with kill -9 and SIGSTOP, and checks the fencing.")
public final class LeaderDemo implements Callable<Integer> {
    @Option(names = "--corpus", description = "A zip or directory of sources (default: the installed JDK's lib/src.zip).")
    Path corpus;

    @Option(names = "--limit", defaultValue = "6000", description = "Files to report on, 0 for all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--replicas", defaultValue = "3", description = "Replicas, each with its own sidecar (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--lease", defaultValue = "PT3S", description = "Lease duration (default: ${DEFAULT-VALUE}).")
    Duration lease;

    @Option(names = "--renew-deadline", defaultValue = "PT2S", description = "Renew deadline (default: ${DEFAULT-VALUE}).")
    Duration renewDeadline;

    @Option(names = "--retry-period", defaultValue = "PT0.5S", description = "Retry period (default: ${DEFAULT-VALUE}).")
    Duration retryPeriod;

    @Option(names = "--work-dir", defaultValue = "target/leader-demo", description = "Emptied first (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--sidecar-jar", description = "The sidecar's executable jar (default: sidecar/target/patternkit-sidecar.jar, searched upwards).")
    Path sidecarJar;

    private static final int BATCH = 60;

    private final CopyOnWriteArrayList<ReplicaProcess.Event> events = new CopyOnWriteArrayList<>();
    private final Map<String, ReplicaProcess> apps = new LinkedHashMap<>();
    private final Map<String, SidecarProcess> sidecars = new LinkedHashMap<>();
    private Path work;
    private Path input;

    /**
     * Runs the demo; exits 0 when every batch was reported once and no stale write was accepted.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new LeaderDemo()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        work = workDir.toAbsolutePath().normalize();
        deleteRecursively(work);
        Path source = corpus != null ? corpus : Corpus.findJdkSources().orElseThrow(() ->
                new IllegalStateException("no JDK lib/src.zip found; pass --corpus DIR_OR_ZIP"));
        Corpus prepared = Corpus.prepare(source, work.resolve("input"), limit);
        input = prepared.root();
        Files.createDirectories(work.resolve("logs"));
        say("corpus %s: %d files; lease %s, renew deadline %s, retry period %s", source,
                prepared.files().size(), lease, renewDeadline, retryPeriod);
        try {
            for (int i = 1; i <= replicas; i++) {
                String id = "replica-" + i;
                SidecarProcess.Builder builder = SidecarProcess.run("leader").dataDir(work.resolve("data"))
                        .args("--lease-duration", lease.toString(), "--renew-deadline", renewDeadline.toString(),
                                "--retry-period", retryPeriod.toString());
                if (sidecarJar != null) {
                    builder.jar(sidecarJar);
                }
                sidecars.put(id, builder.start());
                startApp(id);
            }
            Map<String, Object> timeline = new LinkedHashMap<>();

            ReplicaProcess.Event first = await("a first leader", e -> e.is("ELECTED"), Instant.EPOCH, Duration.ofSeconds(30));
            awaitWrites(first.replica(), 10);
            say("1. %s leads (token %d) and has written 10 batches; kill -9 its app (its sidecar lives)", first.replica(), first.number("token"));
            Instant killed = Instant.now();
            apps.get(first.replica()).kill();
            ReplicaProcess.Event second = await("a successor after the kill", e -> e.is("ELECTED") && !e.replica().equals(first.replica()),
                    killed, lease.multipliedBy(3));
            long killHandover = Duration.between(killed, second.at()).toMillis();
            say("   %s elected %d ms after the kill (token %d); lease is %d ms", second.replica(), killHandover,
                    second.number("token"), lease.toMillis());
            timeline.put("killHandoverMs", killHandover);
            startApp(first.replica());

            awaitWrites(second.replica(), 10);
            say("2. SIGSTOP %s's app, the leader, for longer than its lease", second.replica());
            Instant paused = Instant.now();
            apps.get(second.replica()).pause();
            ReplicaProcess.Event third = await("a successor to the paused leader",
                    e -> e.is("ELECTED") && !e.replica().equals(second.replica()), paused, lease.multipliedBy(4));
            long pauseHandover = Duration.between(paused, third.at()).toMillis();
            say("   %s elected %d ms after the pause (token %d)", third.replica(), pauseHandover, third.number("token"));
            timeline.put("pauseHandoverMs", pauseHandover);
            awaitWrites(third.replica(), 5);
            Instant resumed = Instant.now();
            say("3. SIGCONT %s after %d ms; it resumes where it froze", second.replica(), Duration.between(paused, resumed).toMillis());
            apps.get(second.replica()).resume();
            ReplicaProcess.Event told = await("the paused replica to learn it lost the lease",
                    e -> e.replica().equals(second.replica()) && e.is("REVOKED"), resumed, Duration.ofSeconds(10));
            say("   %s: %s", second.replica(), told.text());
            ReplicaProcess.Event stopped = await("the paused replica's leader work to stop",
                    e -> e.replica().equals(second.replica()) && e.is("STOPPED"), resumed, Duration.ofSeconds(30));
            events.stream().filter(e -> e.replica().equals(second.replica()) && e.is("WRITE")
                            && !e.at().isBefore(resumed) && !e.at().isAfter(stopped.at())).findFirst()
                    .ifPresentOrElse(e -> say("   its write in flight when it froze: %s", e.text()),
                            () -> say("   it wrote nothing after it resumed (it checked its lease first)"));

            ReplicaProcess.Event done = await("the last batch", e -> e.is("DONE"), Instant.EPOCH, Duration.ofMinutes(10));
            say("4. %s reported the last batch", done.replica());
            for (ReplicaProcess app : apps.values()) {
                app.quit();
            }
            Summary summary = check(timeline);
            print(summary);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(work.resolve("summary.json").toFile(), summary);
            return summary.ok() ? 0 : 1;
        } finally {
            apps.values().forEach(app -> {
                if (app.isAlive()) {
                    try {
                        app.resume();
                        app.kill();
                    } catch (IOException | InterruptedException e) {
                        say("could not stop %s: %s", app.id(), e);
                    }
                }
            });
            sidecars.values().forEach(SidecarProcess::close);
        }
    }

    private void startApp(String id) throws IOException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                LeaderReplica.class.getName(), "--id", id, "--corpus", input.toString(),
                "--store", work.resolve("store.db").toString(), "--batch", Integer.toString(BATCH));
        Path log = work.resolve("logs").resolve(id + "-" + System.nanoTime() + ".log");
        ReplicaProcess app = ReplicaProcess.start(id, command,
                Map.of(Wire.ENV_SIDECAR_URL, sidecars.get(id).baseUrl().toString()), log, events);
        apps.put(id, app);
        say("%s: app pid %d, sidecar %s", id, app.pid(), sidecars.get(id).baseUrl());
    }

    private ReplicaProcess.Event await(String what, Predicate<ReplicaProcess.Event> match, Instant notBefore, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ReplicaProcess.Event> found = events.stream().filter(e -> !e.at().isBefore(notBefore)).filter(match).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            synchronized (events) {
                events.wait(Math.max(1, Math.min(1_000, (deadline - System.nanoTime()) / 1_000_000))); // woken by each new event
            }
        }
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
    }

    private void awaitWrites(String replica, int count) throws InterruptedException {
        Instant since = Instant.now();
        long existing = events.stream().filter(e -> e.replica().equals(replica) && e.is("WRITE")).count();
        await(replica + " to write " + count + " batches", e -> e.replica().equals(replica) && e.is("WRITE")
                && events.stream().filter(x -> x.replica().equals(replica) && x.is("WRITE")).count() >= existing + count,
                since.minusSeconds(3600), Duration.ofMinutes(2));
    }

    private Summary check(Map<String, Object> timeline) throws Exception {
        List<FencedStore.Write> history;
        try (FencedStore store = new FencedStore(work.resolve("store.db"))) {
            history = store.history();
        }
        int batches = CorpusReport.of(input, BATCH).batches();
        Set<String> accepted = new HashSet<>();
        int duplicates = 0;
        int staleAccepted = 0;
        long highest = 0;
        List<String> rejected = new ArrayList<>();
        for (FencedStore.Write w : history) {
            if (w.accepted()) {
                if (!accepted.add(w.key())) {
                    duplicates++;
                }
                if (w.token() < highest) {
                    staleAccepted++;
                }
                highest = Math.max(highest, w.token());
            } else {
                rejected.add(w.writer() + " " + w.key() + " token " + w.token() + " < fence " + w.fenceBefore());
            }
        }
        List<Long> terms = events.stream().filter(e -> e.is("ELECTED")).sorted(Comparator.comparing(ReplicaProcess.Event::at))
                .map(e -> e.number("token")).toList();
        boolean increasing = true;
        for (int i = 1; i < terms.size(); i++) {
            increasing &= terms.get(i) > terms.get(i - 1);
        }
        return new Summary(batches, accepted.size(), duplicates, rejected.size(), rejected, staleAccepted, terms, increasing, timeline,
                accepted.size() == batches && duplicates == 0 && staleAccepted == 0 && increasing);
    }

    private static void print(Summary s) {
        say("summary");
        say("  batches %d, reported %d, reported twice %d", s.batches(), s.reported(), s.reportedTwice());
        say("  writes rejected by the fence %d %s", s.rejectedWrites(), s.rejected());
        say("  stale writes accepted %d", s.staleWritesAccepted());
        say("  fencing tokens in election order %s (strictly increasing: %s)", s.tokens(), s.tokensIncreasing());
        say("  handover after kill -9 of the leader's app %s ms, after SIGSTOP of the leader %s ms",
                s.timeline().get("killHandoverMs"), s.timeline().get("pauseHandoverMs"));
        say(s.ok() ? "OK: every batch reported once, no stale write accepted" : "FAILED");
    }

    /**
     * What the run shows.
     *
     * @param batches batches in the corpus
     * @param reported distinct batches accepted by the store
     * @param reportedTwice batches accepted more than once
     * @param rejectedWrites writes the fence rejected
     * @param rejected who and what was rejected
     * @param staleWritesAccepted accepted writes with a token lower than one accepted before (must be 0)
     * @param tokens fencing tokens of the elections, in time order
     * @param tokensIncreasing whether they strictly increase
     * @param timeline handover times in milliseconds
     * @param ok whether every check passed
     */
    public record Summary(int batches, int reported, int reportedTwice, int rejectedWrites, List<String> rejected,
                          int staleWritesAccepted, List<Long> tokens, boolean tokensIncreasing, Map<String, Object> timeline,
                          boolean ok) {
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(format, args));
        System.out.flush();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

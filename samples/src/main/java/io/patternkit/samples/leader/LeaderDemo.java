package io.patternkit.samples.leader;

import static io.patternkit.samples.SampleSupport.say;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.patternkit.protocol.Wire;
import io.patternkit.samples.SampleSupport;
import io.patternkit.samples.indexing.Corpus;
import io.patternkit.testing.AppProcess;
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
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The leader-election sample on real work: several replicas of a job that reports on the JDK's
 * sources batch by batch, each replica an app process with its own leader sidecar process, all
 * sidecars sharing the embedded SQLite engine. Only the leader works, and every write it makes to
 * the downstream {@link FencedStore} carries its fencing token.
 *
 * <p>The run first stops the leader's app with SIGTERM, as Kubernetes does: it drains (finishes its
 * batch, checkpoints its progress with its fencing token, resigns), and its successor, elected at
 * once, restores that checkpoint with its own token before its first write. Then it kills the next
 * leader's app with {@code kill -9} (its sidecar notices the dropped watch connection and releases
 * the lease at once), freezes the next leader with {@code SIGSTOP} past its lease, lets another
 * replica take over, and resumes the frozen one. It checks, from the store's own record, that every
 * batch was reported exactly once and that no write with a stale token was accepted, and that the
 * successor restored the last batch its predecessor reported; it exits 0 only then.
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

    private final AppProcess.Events events = new AppProcess.Events();
    private final Map<String, AppProcess> apps = new LinkedHashMap<>();
    private final Map<String, SidecarProcess> sidecars = new LinkedHashMap<>();
    private final Map<String, Instant> startedAt = new LinkedHashMap<>();
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
        work = SampleSupport.emptied(workDir);
        Path source = Corpus.sourceOrJdk(corpus);
        Corpus prepared = Corpus.prepare(source, work.resolve("input"), limit);
        input = prepared.root();
        Files.createDirectories(work.resolve("logs"));
        say("corpus %s: %d files; lease %s, renew deadline %s, retry period %s", source,
                prepared.files().size(), lease, renewDeadline, retryPeriod);
        try {
            for (int i = 1; i <= replicas; i++) {
                String id = "replica-" + i;
                SidecarProcess.Builder builder = SidecarProcess.run("leader", "checkpoint").dataDir(work.resolve("data"))
                        .args("--lease-duration", lease.toString(), "--renew-deadline", renewDeadline.toString(),
                                "--retry-period", retryPeriod.toString());
                if (sidecarJar != null) {
                    builder.jar(sidecarJar);
                }
                sidecars.put(id, builder.start());
                startApp(id);
            }
            Map<String, Object> timeline = new LinkedHashMap<>();

            AppProcess.Event initial = await("a first leader", e -> e.is("ELECTED"), Instant.EPOCH, Duration.ofSeconds(30));
            awaitWrites(initial.app(), 5);
            say("1. %s leads (token %d) and has written 5 batches; SIGTERM its app, as Kubernetes stops a pod",
                    initial.app(), initial.number("token"));
            Instant terminated = Instant.now();
            int exit = apps.get(initial.app()).terminate(Duration.ofSeconds(30));
            AppProcess.Event drained = await("the leader's drain", e -> e.app().equals(initial.app()) && e.is("DRAINED"),
                    terminated, Duration.ofSeconds(30));
            long lastReported = events.matching(e -> e.app().equals(initial.app()) && e.is("WRITE")
                    && e.text().contains("accepted=true")).stream().mapToLong(e -> e.number("batch")).max().orElse(-1);
            AppProcess.Event heir = await("a successor after the drain", e -> e.is("ELECTED") && !e.app().equals(initial.app()),
                    terminated, lease.multipliedBy(3));
            AppProcess.Event restored = await("the successor's restore", e -> e.app().equals(heir.app()) && e.is("RESTORED"),
                    terminated, Duration.ofSeconds(30));
            AppProcess.Event firstWrite = await("the successor's first write", e -> e.app().equals(heir.app()) && e.is("WRITE"),
                    terminated, Duration.ofSeconds(60));
            long drainHandover = Duration.between(terminated, heir.at()).toMillis();
            long toFirstWrite = Duration.between(terminated, firstWrite.at()).toMillis();
            say("   it drained in %s ms (exit %d); %s elected %d ms after the SIGTERM (token %d), restored batch %d "
                    + "(its predecessor's last: %d), first fenced write %d ms after the SIGTERM", drained.number("tookMs"),
                    exit, heir.app(), drainHandover, heir.number("token"), restored.number("batch"), lastReported, toFirstWrite);
            timeline.put("drainHandoverMs", drainHandover);
            timeline.put("drainToFirstWriteMs", toFirstWrite);
            timeline.put("restoredBatch", restored.number("batch"));
            timeline.put("predecessorLastBatch", lastReported);
            startApp(initial.app());

            AppProcess.Event first = heir;
            awaitAFollowerSees(first.app());
            awaitWrites(first.app(), 5);
            say("2. %s leads (token %d); kill -9 its app (its sidecar lives)", first.app(), first.number("token"));
            Instant killed = Instant.now();
            apps.get(first.app()).kill();
            AppProcess.Event second = await("a successor after the kill", e -> e.is("ELECTED") && !e.app().equals(first.app()),
                    killed, lease.multipliedBy(3));
            long killHandover = Duration.between(killed, second.at()).toMillis();
            say("   %s elected %d ms after the kill (token %d); lease is %d ms", second.app(), killHandover,
                    second.number("token"), lease.toMillis());
            timeline.put("killHandoverMs", killHandover);
            startApp(first.app());

            awaitWrites(second.app(), 10);
            say("3. SIGSTOP %s's app, the leader, for longer than its lease", second.app());
            Instant paused = Instant.now();
            apps.get(second.app()).pause();
            AppProcess.Event third = await("a successor to the paused leader",
                    e -> e.is("ELECTED") && !e.app().equals(second.app()), paused, lease.multipliedBy(4));
            long pauseHandover = Duration.between(paused, third.at()).toMillis();
            say("   %s elected %d ms after the pause (token %d)", third.app(), pauseHandover, third.number("token"));
            timeline.put("pauseHandoverMs", pauseHandover);
            awaitWrites(third.app(), 5);
            Instant resumed = Instant.now();
            say("4. SIGCONT %s after %d ms; it resumes where it froze", second.app(), Duration.between(paused, resumed).toMillis());
            apps.get(second.app()).resume();
            AppProcess.Event told = await("the paused replica to learn it lost the lease",
                    e -> e.app().equals(second.app()) && e.is("REVOKED"), resumed, Duration.ofSeconds(10));
            say("   %s: %s", second.app(), told.text());
            AppProcess.Event stopped = await("the paused replica's leader work to stop",
                    e -> e.app().equals(second.app()) && e.is("STOPPED"), resumed, Duration.ofSeconds(30));
            events.matching(e -> e.app().equals(second.app()) && e.is("WRITE")
                            && !e.at().isBefore(resumed) && !e.at().isAfter(stopped.at())).stream().findFirst()
                    .ifPresentOrElse(e -> say("   its write in flight when it froze: %s", e.text()),
                            () -> say("   it wrote nothing after it resumed (it checked its lease first)"));

            AppProcess.Event done = await("the last batch", e -> e.is("DONE"), Instant.EPOCH, Duration.ofMinutes(10));
            say("5. %s reported the last batch", done.app());
            for (AppProcess app : apps.values()) {
                app.quit(Duration.ofSeconds(10));
            }
            LeaderReport.Summary summary = check(timeline);
            print(summary);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(work.resolve("summary.json").toFile(), summary);
            return summary.ok() ? 0 : 1;
        } finally {
            apps.values().forEach(app -> {
                if (app.isAlive()) {
                    app.resume();
                    app.kill();
                }
            });
            sidecars.values().forEach(SidecarProcess::close);
        }
    }

    private void startApp(String id) throws IOException {
        List<String> command = AppProcess.javaMain(List.of("-Xmx192m", "-XX:+UseSerialGC"), LeaderReplica.class,
                List.of("--id", id, "--corpus", input.toString(), "--store", work.resolve("store.db").toString(),
                        "--batch", Integer.toString(BATCH)));
        Path log = work.resolve("logs").resolve(id + "-" + System.nanoTime() + ".log");
        AppProcess app = AppProcess.start(id, command,
                Map.of(Wire.ENV_SIDECAR_URL, sidecars.get(id).baseUrl().toString()), log, events);
        apps.put(id, app);
        startedAt.put(id, Instant.now());
        say("%s: app pid %d, sidecar %s", id, app.pid(), sidecars.get(id).baseUrl());
    }

    /**
     * Waits until a follower's running app (its current process) has seen {@code leader} lead, so that the kill
     * measures the handover to a follower that is up and campaigning, not a follower's JVM start on a loaded machine
     * (the kill's handover is the one bounded below the lease: the sidecar releases on the dropped watch).
     */
    private void awaitAFollowerSees(String leader) throws InterruptedException {
        await("a follower to see " + leader + " lead", e -> !e.app().equals(leader) && e.is("OBSERVED")
                && e.field("leader").equals(java.util.Optional.of(leader)) && !e.at().isBefore(startedAt.get(e.app())),
                Instant.EPOCH, Duration.ofSeconds(60));
    }

    private AppProcess.Event await(String what, Predicate<AppProcess.Event> match, Instant notBefore, Duration timeout)
            throws InterruptedException {
        return events.await(what, e -> !e.at().isBefore(notBefore) && match.test(e), 1, timeout).get(0);
    }

    private void awaitWrites(String replica, int count) throws InterruptedException {
        Predicate<AppProcess.Event> write = e -> e.app().equals(replica) && e.is("WRITE");
        int existing = events.matching(write).size();
        events.await(replica + " to write " + count + " batches", write, existing + count, Duration.ofMinutes(2));
    }

    private LeaderReport.Summary check(Map<String, Object> timeline) throws Exception {
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
        List<Long> terms = events.matching(e -> e.is("ELECTED")).stream().sorted(Comparator.comparing(AppProcess.Event::at))
                .map(e -> e.number("token")).toList();
        boolean increasing = true;
        for (int i = 1; i < terms.size(); i++) {
            increasing &= terms.get(i) > terms.get(i - 1);
        }
        boolean restoredTheHandover = timeline.get("restoredBatch").equals(timeline.get("predecessorLastBatch"));
        return new LeaderReport.Summary(batches, accepted.size(), duplicates, rejected.size(), rejected, staleAccepted, terms,
                increasing, restoredTheHandover, timeline,
                accepted.size() == batches && duplicates == 0 && staleAccepted == 0 && increasing && restoredTheHandover);
    }

    private static void print(LeaderReport.Summary s) {
        say("summary");
        say("  batches %d, reported %d, reported twice %d", s.batches(), s.reported(), s.reportedTwice());
        say("  writes rejected by the fence %d %s", s.rejectedWrites(), s.rejected());
        say("  stale writes accepted %d", s.staleWritesAccepted());
        say("  fencing tokens in election order %s (strictly increasing: %s)", s.tokens(), s.tokensIncreasing());
        say("  handover after SIGTERM of the leader's app (a drain) %s ms, its successor's first fenced write %s ms",
                s.timeline().get("drainHandoverMs"), s.timeline().get("drainToFirstWriteMs"));
        say("  the successor restored the predecessor's checkpoint: batch %s, its last reported %s (%s)",
                s.timeline().get("restoredBatch"), s.timeline().get("predecessorLastBatch"),
                s.restoredPredecessorsCheckpoint() ? "the same" : "DIFFERENT");
        say("  handover after kill -9 of the leader's app %s ms, after SIGSTOP of the leader %s ms",
                s.timeline().get("killHandoverMs"), s.timeline().get("pauseHandoverMs"));
        say(s.ok() ? "OK: every batch reported once, no stale write accepted, the state handed over on SIGTERM" : "FAILED");
    }

}

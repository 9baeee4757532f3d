package io.patternkit.samples.leader;

import io.patternkit.core.SidecarConfig;
import io.patternkit.leader.Leadership;
import io.patternkit.leader.LeadershipContext;
import io.patternkit.leader.LeadershipListener;
import io.patternkit.leader.LeaderObservation;
import io.patternkit.leader.RevocationReason;
import io.patternkit.protocol.Wire;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One replica of the leader-elected job: an app process that campaigns through its own leader
 * sidecar ({@code PATTERNKIT_SIDECAR_URL}, or {@code PATTERNKIT_LEADER_URL} when set) and, while it
 * leads, reports the corpus batch after batch into the {@link FencedStore}, every write stamped with its fencing token.
 *
 * <p>Like a careful app, it checks {@link LeadershipContext#isValid()} before each batch; a process
 * paused in the middle of a batch still writes when it resumes (it cannot know it was paused), and
 * that is the write the store's fence rejects. Prints one event per line for the demo
 * ({@code ELECTED}, {@code WRITE}, {@code REVOKED}, {@code STOPPED} when its leader work ends, {@code DONE}); {@code quit} on stdin resigns.
 */
@Command(name = "leader-replica", description = "One replica of the leader-elected corpus report.")
public final class LeaderReplica implements Callable<Integer> {
    @Option(names = "--id", required = true, description = "This replica's candidate id.")
    String id;

    @Option(names = "--election", defaultValue = "corpus-report", description = "Election name (default: ${DEFAULT-VALUE}).")
    String election;

    @Option(names = "--corpus", required = true, description = "Directory of source files to report on.")
    Path corpus;

    @Option(names = "--store", required = true, description = "The fenced store's SQLite file.")
    Path storeFile;

    @Option(names = "--batch", defaultValue = "60", description = "Files per batch (default: ${DEFAULT-VALUE}).")
    int batch;

    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "leader-work"));
    private volatile Future<?> running;

    /**
     * Runs one replica until {@code quit} on stdin or the end of stdin.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new LeaderReplica()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        CorpusReport report = CorpusReport.of(corpus, batch);
        SidecarConfig config = SidecarConfig.builder().fromEnvironment(Wire.ENV_LEADER_URL, Wire.DEFAULT_LEADER_PORT).build();
        try (FencedStore store = new FencedStore(storeFile);
             Leadership leadership = Leadership.builder(config).election(election).candidateId(id)
                     .listener(new Listener(report, store)).build().start()) {
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = stdin.readLine()) != null && !line.equals("quit")) {
                event("STATUS leader=%s", leadership.isLeader());
            }
            Future<?> work = running;
            if (work != null) {
                work.cancel(true);
            }
        } finally {
            worker.shutdownNow();
        }
        return 0;
    }

    private final class Listener implements LeadershipListener {
        private final CorpusReport report;
        private final FencedStore store;

        Listener(CorpusReport report, FencedStore store) {
            this.report = report;
            this.store = store;
        }

        @Override
        public void elected(LeadershipContext ctx) {
            event("ELECTED term=%d token=%d", ctx.term(), ctx.fencingToken());
            running = worker.submit(() -> lead(ctx));
        }

        @Override
        public void revoked(LeadershipContext ctx, RevocationReason reason) {
            event("REVOKED term=%d reason=%s", ctx.term(), reason);
        }

        @Override
        public void leaderObserved(LeaderObservation observation) {
            event("OBSERVED leader=%s term=%d", observation.leader().orElse("-"), observation.term());
        }

        private void lead(LeadershipContext ctx) {
            try {
                int next = CorpusReport.nextAfter(store.lastAcceptedKey("batch-"));
                while (next < report.batches() && ctx.isValid()) {
                    String value = report.compute(next);
                    boolean accepted = store.write(ctx.fencingToken(), id, CorpusReport.key(next), value);
                    event("WRITE batch=%d token=%d accepted=%s", next, ctx.fencingToken(), accepted);
                    if (!accepted) {
                        return;
                    }
                    next++;
                }
                if (next >= report.batches()) {
                    event("DONE batches=%d", report.batches());
                }
            } catch (SQLException e) {
                event("ERROR %s", e.getMessage());
            } finally {
                event("STOPPED term=%d", ctx.term());
            }
        }
    }

    private static void event(String format, Object... args) {
        System.out.println("EVENT " + String.format(format, args) + " at=" + Instant.now());
        System.out.flush();
    }
}

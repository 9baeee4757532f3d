package io.patternkit.samples.leader;

import io.patternkit.core.SidecarConfig;
import io.patternkit.leader.Leadership;
import io.patternkit.leader.LeadershipContext;
import io.patternkit.leader.LeadershipListener;
import io.patternkit.leader.LeaderObservation;
import io.patternkit.leader.RevocationReason;
import io.patternkit.lifecycle.Checkpoint;
import io.patternkit.lifecycle.CheckpointClient;
import io.patternkit.lifecycle.CheckpointStore;
import io.patternkit.lifecycle.CheckpointWrite;
import io.patternkit.lifecycle.DrainPhase;
import io.patternkit.lifecycle.DrainReport;
import io.patternkit.lifecycle.FencingTokenStaleException;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.lifecycle.LifecycleListener;
import io.patternkit.protocol.Wire;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * that is the write the store's fence rejects.
 *
 * <p>Its progress is a checkpoint ({@code <election>-progress}, {@code {"lastBatch": n}}) saved with its
 * fencing token after every batch. When elected it first restores that checkpoint with its own token
 * (so nothing an older leader saves afterwards is accepted) and goes on after the last batch reported.
 * On SIGTERM it drains through its {@link Lifecycle}: stops starting batches, finishes the one in hand,
 * checkpoints, resigns (so a successor is elected at once) and closes its clients.
 *
 * <p>Prints one event per line for the demo ({@code ELECTED}, {@code RESTORED}, {@code WRITE},
 * {@code CHECKPOINTED}, {@code REVOKED}, {@code STOPPED} when its leader work ends, {@code DRAINED},
 * {@code DONE}); {@code quit} on stdin resigns.
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
    private volatile boolean draining;
    private volatile Progress progress;

    /** The last batch reported, under the token that reported it; what the drain checkpoints. */
    private record Progress(int lastBatch, long token) {
    }

    /** The checkpoint's state. */
    record Checkpointed(int lastBatch) {
    }

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
        Lifecycle lifecycle = Lifecycle.builder().drainDeadline(Duration.ofSeconds(10)).build();
        try (FencedStore store = new FencedStore(storeFile)) {
            CheckpointClient checkpoints = CheckpointClient.create();
            Leadership leadership = Leadership.builder(config).election(election).candidateId(id)
                    .listener(new Listener(report, store, checkpoints)).lifecycle(lifecycle).build();
            lifecycle.register(DrainPhase.STOP_CLAIMING, "stop starting batches", budget -> draining = true);
            lifecycle.register(DrainPhase.FINISH_IN_FLIGHT, "finish the batch in hand", this::finishBatch);
            lifecycle.register(DrainPhase.CHECKPOINT, "checkpoint the progress", budget -> checkpoint(checkpoints));
            lifecycle.closeAtDrain(DrainPhase.CLOSE_CLIENTS, "checkpoint client", checkpoints);
            lifecycle.addListener(new LifecycleListener() {
                @Override
                public void onDrained(DrainReport drained) {
                    event("DRAINED tookMs=%d clean=%s", drained.took().toMillis(), drained.clean());
                }
            });
            lifecycle.drainOnSigterm();
            leadership.start();
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = stdin.readLine()) != null && !line.equals("quit")) {
                event("STATUS leader=%s", leadership.isLeader());
            }
            if (lifecycle.isDraining()) {
                lifecycle.awaitDrained(Duration.ofMinutes(1)); // SIGTERM closed stdin: let the drain finish
            } else {
                Future<?> work = running;
                if (work != null) {
                    work.cancel(true);
                }
                leadership.close();
                checkpoints.close();
            }
        } finally {
            worker.shutdownNow();
        }
        return 0;
    }

    private void finishBatch(Duration budget) {
        Future<?> work = running;
        if (work == null) {
            return;
        }
        try {
            work.get(budget.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            work.cancel(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | CancellationException e) {
            // the work ended on its own; its events said how
        }
    }

    private void checkpoint(CheckpointStore checkpoints) {
        Progress last = progress;
        if (last != null) {
            Checkpoint saved = checkpoints.save(checkpointName(), CheckpointWrite.of(new Checkpointed(last.lastBatch()))
                    .fencedBy(last.token()));
            event("CHECKPOINTED batch=%d token=%d version=%d", last.lastBatch(), last.token(), saved.version());
        }
    }

    private String checkpointName() {
        return election + "-progress";
    }

    private final class Listener implements LeadershipListener {
        private final CorpusReport report;
        private final FencedStore store;
        private final CheckpointStore checkpoints;

        Listener(CorpusReport report, FencedStore store, CheckpointStore checkpoints) {
            this.report = report;
            this.store = store;
            this.checkpoints = checkpoints;
        }

        @Override
        public void elected(LeadershipContext ctx) {
            event("ELECTED term=%d token=%d", ctx.term(), ctx.fencingToken());
            running = worker.submit(() -> lead(ctx));
        }

        @Override
        public void revoked(LeadershipContext ctx, RevocationReason reason) {
            progress = null; // a drain must not checkpoint under a term that has ended
            event("REVOKED term=%d reason=%s", ctx.term(), reason);
        }

        @Override
        public void leaderObserved(LeaderObservation observation) {
            event("OBSERVED leader=%s term=%d", observation.leader().orElse("-"), observation.term());
        }

        private void lead(LeadershipContext ctx) {
            try {
                Checkpoint restored = checkpoints.restore(checkpointName(), ctx.fencingToken());
                int lastCheckpointed = restored.stateAs(Checkpointed.class).map(Checkpointed::lastBatch).orElse(-1);
                event("RESTORED batch=%d version=%d token=%d", lastCheckpointed, restored.version(), ctx.fencingToken());
                // The store is the authority on what was reported: a leader killed between its write and its
                // checkpoint leaves the store one batch ahead.
                int next = Math.max(lastCheckpointed + 1, CorpusReport.nextAfter(store.lastAcceptedKey("batch-")));
                while (next < report.batches() && ctx.isValid() && !draining) {
                    String value = report.compute(next);
                    boolean accepted = store.write(ctx.fencingToken(), id, CorpusReport.key(next), value);
                    event("WRITE batch=%d token=%d accepted=%s", next, ctx.fencingToken(), accepted);
                    if (!accepted) {
                        return;
                    }
                    progress = new Progress(next, ctx.fencingToken());
                    checkpoints.save(checkpointName(), CheckpointWrite.of(new Checkpointed(next)).fencedBy(ctx.fencingToken()));
                    next++;
                }
                if (next >= report.batches()) {
                    event("DONE batches=%d", report.batches());
                }
            } catch (FencingTokenStaleException e) {
                event("FENCED %s", e.getMessage().replace(' ', '_'));
            } catch (SQLException | RuntimeException e) {
                event("ERROR %s", String.valueOf(e.getMessage()).replace(' ', '_'));
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

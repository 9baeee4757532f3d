package io.patternkit.bench.leader;

import io.patternkit.bench.Args;
import io.patternkit.core.SidecarConfig;
import io.patternkit.leader.LeaderElectionClient;
import io.patternkit.leader.Leadership;
import io.patternkit.leader.LeadershipContext;
import io.patternkit.leader.LeadershipListener;
import io.patternkit.leader.RevocationReason;
import io.patternkit.lifecycle.Checkpoint;
import io.patternkit.lifecycle.CheckpointClient;
import io.patternkit.lifecycle.CheckpointWrite;
import io.patternkit.lifecycle.DrainPhase;
import io.patternkit.lifecycle.Lifecycle;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A candidate app that hands its state over with its leadership, as issue 10's leader does: on election it
 * restores the checkpoint with its fencing token and makes its first fenced write (a save of the progress it
 * restored, plus one); only then does it report {@code ELECTED}. Its resign is a {@link Lifecycle} drain: the
 * {@code CHECKPOINT} phase saves the progress fenced by its token, then {@code RESIGN_LEADERSHIP} closes the
 * {@link Leadership}. So the harness's handover, from {@code RESIGNING} to the successor's {@code ELECTED}, is the
 * issue's "drain notice to the successor's first fenced write, state restore included". Each join makes a new
 * lifecycle (a drain runs once). The sidecar serves leader election and checkpoints ({@code run --patterns
 * leader,checkpoint}).
 *
 * <p>Options: {@code --id}, {@code --sidecar-url}, {@code --election}.
 */
public final class StatefulPatternkitCandidate {
    private StatefulPatternkitCandidate() {
    }

    /** What the leader hands over: how many terms have written so far. */
    record Progress(long writes) {
    }

    /**
     * Runs the candidate until standard input ends.
     *
     * @param argv {@code --name value} options, see the class comment
     */
    public static void main(String[] argv) {
        Args args = new Args(argv);
        String id = args.string("id", "c" + ProcessHandle.current().pid());
        String election = args.string("election", "bench");
        String checkpoint = election + "-progress";
        SidecarConfig config = SidecarConfig.builder()
                .baseUrl(URI.create(args.string("sidecar-url", "http://127.0.0.1:7300"))).build();
        LeaderElectionClient client = LeaderElectionClient.create(config);
        CheckpointClient checkpoints = CheckpointClient.create(config);
        AtomicLong progress = new AtomicLong();
        LeadershipListener listener = new LeadershipListener() {
            @Override
            public void elected(LeadershipContext context) {
                Checkpoint restored = checkpoints.restore(checkpoint, context.fencingToken());
                long writes = restored.stateAs(Progress.class).map(Progress::writes).orElse(0L) + 1;
                checkpoints.save(checkpoint, CheckpointWrite.of(new Progress(writes)).fencedBy(context.fencingToken()));
                progress.set(writes);
                CandidateRuntime.emit("ELECTED", "term " + context.term() + " restored " + (writes - 1));
            }

            @Override
            public void revoked(LeadershipContext context, RevocationReason reason) {
                CandidateRuntime.emit("LOST", reason.name());
            }
        };
        CandidateRuntime.serve(new CandidateRuntime.Election() {
            private Lifecycle lifecycle;

            @Override
            public void join() {
                lifecycle = Lifecycle.builder().drainDeadline(Duration.ofSeconds(5)).build();
                Leadership leadership = Leadership.builder(client).election(election).candidateId(id).listener(listener)
                        .lifecycle(lifecycle).build();
                lifecycle.register(DrainPhase.CHECKPOINT, "progress", budget -> leadership.fencingToken().ifPresent(token ->
                        checkpoints.save(checkpoint, CheckpointWrite.of(new Progress(progress.get())).fencedBy(token))));
                leadership.start();
            }

            @Override
            public void resign() {
                lifecycle.drain(Duration.ofSeconds(5));
            }
        });
    }
}

package io.patternkit.bench.leader;

import io.patternkit.bench.Args;
import io.patternkit.core.SidecarConfig;
import io.patternkit.leader.LeaderElectionClient;
import io.patternkit.leader.Leadership;
import io.patternkit.leader.LeadershipContext;
import io.patternkit.leader.LeadershipListener;
import io.patternkit.leader.RevocationReason;
import java.net.URI;

/**
 * A candidate app on Patternkit's managed {@link Leadership} handle (SDK defaults), talking to its own
 * leader sidecar. Elected is {@link LeadershipListener#elected}; resign is {@link Leadership#close()}
 * (steps down and resigns, so the sidecar releases the lease and wakes the waiting candidates); join is
 * a new handle on the same client. The lease settings are the sidecar's options, not the app's.
 *
 * <p>Options: {@code --id}, {@code --sidecar-url}, {@code --election}.
 */
public final class PatternkitCandidate {
    private PatternkitCandidate() {
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
        LeaderElectionClient client = LeaderElectionClient.create(
                SidecarConfig.builder().baseUrl(URI.create(args.string("sidecar-url", "http://127.0.0.1:7310"))).build());
        LeadershipListener listener = new LeadershipListener() {
            @Override
            public void elected(LeadershipContext context) {
                CandidateRuntime.emit("ELECTED", "term " + context.term());
            }

            @Override
            public void revoked(LeadershipContext context, RevocationReason reason) {
                CandidateRuntime.emit("LOST", reason.name());
            }
        };
        CandidateRuntime.serve(new CandidateRuntime.Election() {
            private Leadership leadership;

            @Override
            public void join() {
                leadership = Leadership.builder(client).election(election).candidateId(id).listener(listener).build().start();
            }

            @Override
            public void resign() {
                leadership.close();
            }
        });
    }
}

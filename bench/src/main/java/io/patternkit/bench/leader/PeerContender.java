package io.patternkit.bench.leader;

import io.patternkit.testing.AppProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A peer library whose candidate is one JVM running a candidate main of this package
 * ({@link CuratorCandidate}, {@link Fabric8Candidate}); the crash of a peer's candidate is
 * {@code kill -9} of that process.
 *
 * @param key file and JSON key
 * @param label column heading
 * @param main the candidate main
 * @param options the main's engine options (where ZooKeeper or the API server is)
 */
record PeerContender(String key, String label, Class<?> main, List<String> options) implements Contender {

    @Override
    public boolean hasSidecar() {
        return false;
    }

    @Override
    public Candidate launch(String candidateId, String election, LeaseSettings lease, AppProcess.Events events, Path logDir) {
        List<String> args = new ArrayList<>(options);
        args.addAll(List.of("--election", election));
        args.addAll(lease.asArgs());
        Path log = logDir.resolve(election + "-" + candidateId + ".log");
        return new Candidate(candidateId, () -> Candidate.startApp(candidateId, main, args, events, log), null);
    }
}

package io.patternkit.bench.leader;

import io.patternkit.testing.AppProcess;
import io.patternkit.bench.BenchSidecar;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Patternkit on one engine: each candidate is a leader sidecar ({@code java -jar patternkit-sidecar.jar
 * leader --engine E --lease-duration ... --renew-deadline ... --retry-period ...}, default JVM flags)
 * and an app ({@link PatternkitCandidate}) that talks to it. The SQLite sidecars of one contender
 * share one data directory, as the sidecars of one machine do.
 *
 * @param engine {@code sqlite}, {@code postgres} or {@code kubernetes}
 * @param sidecarJar the sidecar's executable jar
 * @param engineOptions the engine's sidecar options ({@code --data DIR}, {@code --jdbc-url URL},
 *     {@code --kube-master URL --namespace NS})
 * @param withState false: the app is {@link PatternkitCandidate} on a {@code leader} sidecar; true: it is
 *     {@link StatefulPatternkitCandidate} (a handover through its drain, with a checkpoint saved and restored) on a
 *     {@code run --patterns leader,checkpoint} sidecar
 */
record PatternkitContender(String engine, Path sidecarJar, List<String> engineOptions, boolean withState)
        implements Contender {

    @Override
    public String key() {
        return "patternkit-" + engine + (withState ? "-state" : "");
    }

    @Override
    public String label() {
        return "Patternkit, " + switch (engine) {
            case "sqlite" -> "SQLite";
            case "postgres" -> "PostgreSQL";
            case "kubernetes" -> "Kubernetes Lease";
            default -> engine;
        } + (withState ? ", drain with state" : "");
    }

    @Override
    public boolean hasSidecar() {
        return true;
    }

    @Override
    public Candidate launch(String candidateId, String election, LeaseSettings lease, AppProcess.Events events, Path logDir) {
        String prefix = election + "-" + candidateId;
        BenchSidecar sidecar = startSidecar(lease, logDir.resolve(prefix + "-sidecar.log"));
        List<String> appArgs = List.of("--sidecar-url", sidecar.baseUrl().toString(), "--election", election);
        Path appLog = logDir.resolve(prefix + "-app.log");
        Class<?> app = withState ? StatefulPatternkitCandidate.class : PatternkitCandidate.class;
        return new Candidate(candidateId, () -> Candidate.startApp(candidateId, app, appArgs,
                events, appLog), new Candidate.Sidecar() {
                    @Override
                    public void kill() {
                        sidecar.kill();
                    }

                    @Override
                    public void close() {
                        sidecar.kill();
                        sidecar.close();
                    }
                });
    }

    /** Starts one sidecar of this contender with the lease settings; its output goes to {@code log}. */
    BenchSidecar startSidecar(LeaseSettings lease, Path log) {
        List<String> args = new ArrayList<>(List.of("--engine", engine));
        args.addAll(engineOptions);
        args.addAll(List.of("--lease-duration", lease.leaseDuration().toMillis() + "ms",
                "--renew-deadline", lease.renewDeadline().toMillis() + "ms",
                "--retry-period", lease.retryPeriod().toMillis() + "ms"));
        if (withState) {
            args.addAll(0, List.of("--patterns", "leader,checkpoint"));
        }
        return BenchSidecar.start(sidecarJar, withState ? "run" : "leader", List.of(), args, log);
    }
}

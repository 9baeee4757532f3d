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
 */
record PatternkitContender(String engine, Path sidecarJar, List<String> engineOptions) implements Contender {

    @Override
    public String key() {
        return "patternkit-" + engine;
    }

    @Override
    public String label() {
        return "Patternkit, " + switch (engine) {
            case "sqlite" -> "SQLite";
            case "postgres" -> "PostgreSQL";
            case "kubernetes" -> "Kubernetes Lease";
            default -> engine;
        };
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
        return new Candidate(candidateId, () -> Candidate.startApp(candidateId, PatternkitCandidate.class, appArgs,
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
        return BenchSidecar.start(sidecarJar, "leader", List.of(), args, log);
    }
}

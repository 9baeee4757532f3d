package io.patternkit.bench.leader;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.patternkit.bench.Args;
import java.util.concurrent.CompletableFuture;

/**
 * A candidate process on fabric8's {@link LeaderElector} with a {@code coordination.k8s.io/v1}
 * Lease lock ({@link LeaseLock}), lease duration, renew deadline and retry period as given, and
 * {@code releaseOnCancel} set. Elected is the {@code onStartLeading} callback; resign cancels the
 * elector's future, which releases the lease (holder cleared) before the call returns; join starts
 * a new elector (a cancelled one cannot restart).
 *
 * <p>Options: {@code --id}, {@code --master-url} (the API server, here the fabric8 mock server in
 * CRUD mode), {@code --namespace bench}, {@code --election}, {@code --lease-ms}, {@code --renew-ms},
 * {@code --retry-ms}.
 */
public final class Fabric8Candidate {
    private Fabric8Candidate() {
    }

    /**
     * Runs the candidate until standard input ends.
     *
     * @param argv {@code --name value} options, see the class comment
     */
    public static void main(String[] argv) {
        Args args = new Args(argv);
        String id = args.string("id", "c" + ProcessHandle.current().pid());
        LeaseSettings lease = LeaseSettings.from(args);
        String namespace = args.string("namespace", "bench");
        String election = args.string("election", "bench");
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(args.string("master-url", "http://127.0.0.1:8080"))
                .withNamespace(namespace)
                .build();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        LeaderElectionConfig electionConfig = new LeaderElectionConfigBuilder()
                .withName(election)
                .withLock(new LeaseLock(namespace, election, id))
                .withLeaseDuration(lease.leaseDuration())
                .withRenewDeadline(lease.renewDeadline())
                .withRetryPeriod(lease.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(
                        () -> CandidateRuntime.emit("ELECTED", ""),
                        () -> CandidateRuntime.emit("LOST", ""),
                        leader -> CandidateRuntime.emit("INFO", "new leader " + leader)))
                .build();
        CandidateRuntime.serve(new CandidateRuntime.Election() {
            private CompletableFuture<?> running;

            @Override
            public void join() {
                LeaderElector elector = client.leaderElector().withConfig(electionConfig).build();
                running = elector.start();
            }

            @Override
            public void resign() {
                running.cancel(true);
            }
        });
    }
}

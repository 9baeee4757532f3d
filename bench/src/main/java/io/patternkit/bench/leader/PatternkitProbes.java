package io.patternkit.bench.leader;

import io.patternkit.bench.BenchSidecar;
import io.patternkit.core.SidecarConfig;
import io.patternkit.leader.CampaignResult;
import io.patternkit.leader.Lease;
import io.patternkit.leader.LeaderElectionClient;
import io.patternkit.leader.LeaseLostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Patternkit's low-level calls, through the SDK's {@link LeaderElectionClient}, against one sidecar per
 * engine started for this purpose: {@code renewLeadership(lease)} of a lease the harness holds, and
 * {@code currentLeader(election)} (observe).
 */
final class PatternkitProbes implements AutoCloseable {
    private final List<BenchSidecar> sidecars = new ArrayList<>();
    private final List<LeaderElectionClient> clients = new ArrayList<>();
    private final List<CallProbe> probes = new ArrayList<>();

    /**
     * Starts a sidecar per contender, campaigns once in an election of its own, and prepares the probes.
     *
     * @param contenders the Patternkit contenders
     * @param lease the sidecars' lease settings
     * @param logDir where the sidecars' logs go
     */
    static PatternkitProbes open(List<PatternkitContender> contenders, LeaseSettings lease, Path logDir) {
        PatternkitProbes opened = new PatternkitProbes();
        try {
            for (PatternkitContender contender : contenders) {
                BenchSidecar sidecar = contender.startSidecar(lease, logDir.resolve(contender.key() + "-calls-sidecar.log"));
                opened.sidecars.add(sidecar);
                LeaderElectionClient client = LeaderElectionClient.create(SidecarConfig.builder().baseUrl(sidecar.baseUrl()).build());
                opened.clients.add(client);
                String election = "calls-" + contender.engine() + "-" + ProcessHandle.current().pid();
                AtomicReference<Lease> held = new AtomicReference<>(campaign(client, election));
                opened.probes.add(new CallProbe(contender.key(), "renew", "SDK `renewLeadership(lease)`",
                        () -> renew(client, election, held)));
                opened.probes.add(new CallProbe(contender.key(), "observe", "SDK `currentLeader(election)`",
                        () -> client.currentLeader(election)));
            }
            return opened;
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    private static Lease campaign(LeaderElectionClient client, String election) {
        CampaignResult result = client.becomeLeader(election, "probe", Duration.ofSeconds(20));
        return result.lease().orElseThrow(() -> new IllegalStateException(election + ": the probe was not elected"));
    }

    /**
     * Renews the held lease. The lease lapses only between {@link #open} and the first call (while
     * the other sidecars start, longer than the renew deadline); then the probe campaigns again, in
     * the warm-up. The calls that follow come every few milliseconds.
     */
    private static Lease renew(LeaderElectionClient client, String election, AtomicReference<Lease> held) {
        try {
            return held.updateAndGet(client::renewLeadership);
        } catch (LeaseLostException e) {
            Lease fresh = campaign(client, election);
            held.set(fresh);
            return fresh;
        }
    }

    List<CallProbe> probes() {
        return probes;
    }

    @Override
    public void close() {
        clients.forEach(LeaderElectionClient::close);
        sidecars.forEach(BenchSidecar::close);
    }
}

package io.patternkit.bench.leader;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.io.IOException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * The peers' calls closest to Patternkit's renew and observe, made from the harness process on
 * clients of its own (one per peer), against the same servers the peers' candidates use.
 *
 * <ul>
 *   <li>Curator, observe: {@link LeaderLatch#getLeader()} on an elected latch (ZooKeeper
 *       {@code getChildren} of the latch path, then {@code getData}... of the first node's
 *       participant); and a bare ZooKeeper {@code exists} of the leader's node, the cheapest read
 *       that says whether that leader still holds. Renew: none; the ZooKeeper client keeps its
 *       session alive with pings of its own, which no application calls.
 *   <li>fabric8, observe: a GET of the Lease ({@link LeaseLock#get}); renew: what
 *       {@code LeaderElector} does per renew, a GET of the Lease and a PUT of the renewed record
 *       with the {@code resourceVersion} read ({@link LeaseLock#get} plus {@link LeaseLock#update}).
 * </ul>
 */
final class PeerProbes implements AutoCloseable {
    private final CuratorFramework curator;
    private final LeaderLatch latch;
    private final KubernetesClient kubernetes;
    private final List<CallProbe> probes;

    private PeerProbes(CuratorFramework curator, LeaderLatch latch, KubernetesClient kubernetes, List<CallProbe> probes) {
        this.curator = curator;
        this.latch = latch;
        this.kubernetes = kubernetes;
        this.probes = probes;
    }

    /** Connects, elects the harness's own latch and creates its own Lease. */
    static PeerProbes open(PeerServers servers, LeaseSettings lease) throws Exception {
        CuratorFramework curator = CuratorFrameworkFactory.builder()
                .connectString(servers.zookeeperConnect())
                .sessionTimeoutMs((int) lease.leaseDuration().toMillis())
                .connectionTimeoutMs((int) lease.renewDeadline().toMillis())
                .retryPolicy(new ExponentialBackoffRetry((int) lease.retryPeriod().toMillis(), 3))
                .build();
        curator.start();
        LeaderLatch latch = new LeaderLatch(curator, "/patternkit-bench/calls", "probe");
        latch.start();
        if (!latch.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the probe latch was not elected");
        }
        String latchNode = latch.getOurPath();

        String namespace = "bench";
        KubernetesClient kubernetes = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(Config.empty()).withMasterUrl(servers.kubernetesUrl()).withNamespace(namespace)
                        .build())
                .build();
        LeaseLock lock = new LeaseLock(namespace, "bench-calls", "probe");
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        lock.create(kubernetes, new LeaderElectionRecord("probe", lease.leaseDuration(), now, now, 0));

        List<CallProbe> probes = List.of(
                new CallProbe("curator", "observe", "`LeaderLatch.getLeader()`", latch::getLeader),
                new CallProbe("curator", "observe", "ZooKeeper `exists` of the leader's node",
                        () -> curator.checkExists().forPath(latchNode)),
                new CallProbe("fabric8", "observe", "GET of the Lease (`LeaseLock.get`)", () -> lock.get(kubernetes)),
                new CallProbe("fabric8", "renew", "GET + PUT of the Lease (`LeaseLock.get` + `update`, as `LeaderElector` renews)",
                        () -> renew(lock, kubernetes)));
        return new PeerProbes(curator, latch, kubernetes, probes);
    }

    private static Object renew(LeaseLock lock, KubernetesClient kubernetes) {
        LeaderElectionRecord current = lock.get(kubernetes);
        LeaderElectionRecord renewed = new LeaderElectionRecord(current.getHolderIdentity(), current.getLeaseDuration(),
                current.getAcquireTime(), ZonedDateTime.now(ZoneOffset.UTC), current.getLeaderTransitions());
        lock.update(kubernetes, renewed);
        return renewed;
    }

    List<CallProbe> probes() {
        return probes;
    }

    @Override
    public void close() throws IOException {
        latch.close();
        curator.close();
        kubernetes.close();
    }
}

package io.patternkit.bench.leader;

import io.patternkit.bench.Args;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * A candidate process on Apache Curator's {@link LeaderLatch}: ZooKeeper session timeout = the
 * lease duration, connection timeout = the renew deadline, retries every retry period (exponential,
 * 3 times). Elected is the latch's {@code isLeader()} callback; resign is {@link LeaderLatch#close()}
 * (which deletes the latch's node, so the next candidate in line is told at once); join is a new
 * latch on the same path. Curator has no renew call: the ZooKeeper client keeps the session alive
 * with pings.
 *
 * <p>Options: {@code --id}, {@code --connect host:port}, {@code --election}, {@code --lease-ms},
 * {@code --renew-ms}, {@code --retry-ms}.
 */
public final class CuratorCandidate {
    private CuratorCandidate() {
    }

    /**
     * Runs the candidate until standard input ends.
     *
     * @param argv {@code --name value} options, see the class comment
     * @throws InterruptedException when interrupted while connecting
     */
    public static void main(String[] argv) throws InterruptedException {
        Args args = new Args(argv);
        String id = args.string("id", "c" + ProcessHandle.current().pid());
        LeaseSettings lease = LeaseSettings.from(args);
        String path = "/patternkit-bench/" + args.string("election", "bench");
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(args.string("connect", "127.0.0.1:2181"))
                .sessionTimeoutMs((int) lease.leaseDuration().toMillis())
                .connectionTimeoutMs((int) lease.renewDeadline().toMillis())
                .retryPolicy(new ExponentialBackoffRetry((int) lease.retryPeriod().toMillis(), 3))
                .build();
        client.start();
        if (!client.blockUntilConnected(30, TimeUnit.SECONDS)) {
            CandidateRuntime.emit("ERROR", "no ZooKeeper connection within 30 s");
            Runtime.getRuntime().halt(1);
        }
        try {
            CandidateRuntime.emit("INFO", "negotiated session timeout "
                    + client.getZookeeperClient().getZooKeeper().getSessionTimeout() + " ms");
        } catch (Exception e) {
            CandidateRuntime.emit("ERROR", e.toString());
        }
        CandidateRuntime.serve(new CandidateRuntime.Election() {
            private LeaderLatch latch;

            @Override
            public void join() throws Exception {
                latch = new LeaderLatch(client, path, id, LeaderLatch.CloseMode.NOTIFY_LEADER);
                latch.addListener(new LeaderLatchListener() {
                    @Override
                    public void isLeader() {
                        CandidateRuntime.emit("ELECTED", "");
                    }

                    @Override
                    public void notLeader() {
                        CandidateRuntime.emit("LOST", "");
                    }
                });
                latch.start();
            }

            @Override
            public void resign() throws Exception {
                latch.close();
            }
        });
    }
}

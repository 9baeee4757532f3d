package io.patternkit.bench.leader;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * The servers the peers and Patternkit's Kubernetes engine talk to, started inside the harness
 * process: an embedded ZooKeeper (Curator's {@link TestingServer}) and the fabric8 Kubernetes mock
 * server in CRUD mode (it stores what it is sent and answers 409 to a stale
 * {@code resourceVersion}, as an API server does).
 *
 * <p>ZooKeeper runs with a tick of {@value #ZK_TICK_MS} ms and a session timeout range of one tick
 * to 60 s, so that it grants the session timeout a candidate asks for: with ZooKeeper's default
 * 2 s tick, a 3 s session would be raised to the 4 s minimum (2 ticks), and the expiry check would
 * run only every 2 s.
 */
final class PeerServers implements AutoCloseable {
    /** ZooKeeper's tick, the granularity of its session expiry. */
    static final int ZK_TICK_MS = 100;

    /**
     * The mock server logs every request at INFO through {@code java.util.logging}, on its event
     * loop: that would slow it down and be measured. Held here so the level is not lost with a
     * collected logger.
     */
    private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    private final TestingServer zookeeper;
    private final KubernetesMockServer kubernetes;

    private PeerServers(TestingServer zookeeper, KubernetesMockServer kubernetes) {
        this.zookeeper = zookeeper;
        this.kubernetes = kubernetes;
    }

    /** Starts both servers on ephemeral loopback ports. */
    static PeerServers start(Path work) throws Exception {
        MOCK_SERVER_LOG.setLevel(Level.WARNING);
        Map<String, Object> zkProperties = new HashMap<>();
        zkProperties.put("maxSessionTimeout", "60000");
        Path zkData = Files.createDirectories(work.resolve("zookeeper"));
        InstanceSpec spec = new InstanceSpec(zkData.toFile(), -1, -1, -1, true, 1, ZK_TICK_MS, 0, zkProperties);
        TestingServer zookeeper = new TestingServer(spec, true);
        KubernetesMockServer kubernetes = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        kubernetes.init(InetAddress.getLoopbackAddress(), 0);
        return new PeerServers(zookeeper, kubernetes);
    }

    /** ZooKeeper's connect string, {@code 127.0.0.1:port}. */
    String zookeeperConnect() {
        return zookeeper.getConnectString();
    }

    /** The mock API server's URL, {@code http://127.0.0.1:port/}. */
    String kubernetesUrl() {
        return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + kubernetes.getPort() + "/";
    }

    /** The mock API server, for in-process clients. */
    KubernetesMockServer kubernetes() {
        return kubernetes;
    }

    @Override
    public void close() {
        kubernetes.destroy();
        try {
            zookeeper.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

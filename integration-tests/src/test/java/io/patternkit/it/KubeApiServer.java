package io.patternkit.it;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Kubernetes API server of the leader integration tests: fabric8's mock server in CRUD mode (it keeps
 * objects, assigns resourceVersions, answers 409 to a stale one and serves watches), started once in the
 * test JVM on a loopback port and stopped when the JVM exits. Sidecar processes reach it with
 * {@code --engine kubernetes --kube-master <url>}.
 */
final class KubeApiServer {
    /** Kept strongly, so that the level set on it sticks: the mock server logs every request at INFO. */
    private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");
    private static KubernetesMockServer server;
    private static String url;

    private KubeApiServer() {
    }

    /** @return the server's base URL, such as {@code http://127.0.0.1:40123/}; starts it on first use */
    static synchronized String url() {
        if (server == null) {
            MOCK_LOG.setLevel(Level.WARNING);
            KubernetesMockServer s = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                    new KubernetesCrudDispatcher(), false);
            s.init(InetAddress.getLoopbackAddress(), 0);
            Runtime.getRuntime().addShutdownHook(new Thread(s::destroy, "kube-mock-stop"));
            server = s;
            url = s.url("/");
        }
        return url;
    }
}

package io.patternkit.it;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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

    /**
     * Works around a flaw of fabric8's mock server 8.0.0: when a watch's web socket fails (a sidecar killed
     * with {@code kill -9} while an event is being sent to it), {@code WatchEventsListener.onFailure} waits
     * on the Vert.x event loop for its own send executor, whose pending send needs that event loop: every
     * connection on the loop stalls for up to a minute, which no real API server does. This daemon
     * interrupts an event-loop thread found waiting there, which ends the wait (the listener handles the
     * interrupt). It checks the threads every 100 ms and touches nothing else.
     */
    private static void unblockEventLoops() {
        while (true) {
            for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
                if (t.getKey().getName().startsWith("vert.x-eventloop") && Arrays.stream(t.getValue())
                        .anyMatch(f -> f.getClassName().endsWith("WatchEventsListener")
                                && (f.getMethodName().equals("onFailure") || f.getMethodName().equals("onClosed")))) {
                    t.getKey().interrupt();
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /** @return the server's base URL, such as {@code http://127.0.0.1:40123/}; starts it on first use */
    static synchronized String url() {
        if (server == null) {
            MOCK_LOG.setLevel(Level.WARNING);
            KubernetesMockServer s = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                    new KubernetesCrudDispatcher(), false);
            s.init(InetAddress.getLoopbackAddress(), 0);
            Runtime.getRuntime().addShutdownHook(new Thread(s::destroy, "kube-mock-stop"));
            Thread unblocker = new Thread(KubeApiServer::unblockEventLoops, "kube-mock-unblocker");
            unblocker.setDaemon(true);
            unblocker.start();
            server = s;
            url = s.url("/");
        }
        return url;
    }
}

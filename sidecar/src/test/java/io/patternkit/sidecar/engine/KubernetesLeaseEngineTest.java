package io.patternkit.sidecar.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.patternkit.sidecar.engine.kubernetes.KubernetesLeaseEngine;
import io.patternkit.sidecar.leader.LeaseEngine;
import io.patternkit.sidecar.leader.LeaseRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lease engine contract on Lease objects in the fabric8 mock API server in CRUD mode (which
 * keeps objects, assigns resourceVersions and answers 409 to a stale one). The engine judges expiry
 * on its monotonic ticker from the moment it observed a change, like client-go, so a manual ticker
 * drives time here.
 */
class KubernetesLeaseEngineTest extends LeaseEngineContractTest {
    private static KubernetesMockServer server;
    private static NamespacedKubernetesClient client;
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @BeforeAll
    static void startServer() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
    }

    @AfterAll
    static void stopServer() {
        client.close();
        server.destroy();
    }

    @Test
    void connectsByUrlAsTheSidecarsKubeMasterOptionDoes() {
        try (KubernetesLeaseEngine byUrl = KubernetesLeaseEngine.connect(server.url("/"), "by-url", nanos::get)) {
            assertThat(byUrl.tryAcquire(election, "a", lease()).elected()).isTrue();
            assertThat(engine.read(election).holder()).as("another namespace").isNull();
            assertThat(byUrl.read(election).holder()).isEqualTo("a");
        }
    }

    @Test
    void aForgottenLeaseIsTimedAgainFromWhenItIsNextSeen() {
        assertThat(engine.tryAcquire(election, "a", lease()).elected()).isTrue();
        pass(lease().plusSeconds(1));
        assertThat(engine.read(election).holder()).as("expired on this process's clock").isNull();
        engine.forget(election);
        LeaseRecord seenAgain = engine.read(election);
        assertThat(seenAgain.holder()).as("first seen now: a full duration, as after a restart").isEqualTo("a");
        assertThat(seenAgain.remaining()).isEqualTo(lease());
    }

    @Override
    protected LeaseEngine open() {
        return KubernetesLeaseEngine.using(client, "patternkit-test", nanos::get);
    }

    @Override
    protected void pass(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Override
    protected Duration lease() {
        return Duration.ofSeconds(15);
    }
}

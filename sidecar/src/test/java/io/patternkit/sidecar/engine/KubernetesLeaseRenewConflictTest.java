package io.patternkit.sidecar.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.patternkit.sidecar.common.Ticker;
import io.patternkit.sidecar.engine.kubernetes.KubernetesLeaseEngine;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Lease engine's renew when the Lease changed between its read and its update: a 409 means only that the
 * resourceVersion moved (another renew of the same holder, an annotation someone added), not that the holder lost
 * it. fabric8's mock API server in expectations mode answers the first update 409, as a real API server does.
 */
class KubernetesLeaseRenewConflictTest {
    private static final String PATH = "/apis/coordination.k8s.io/v1/namespaces/ns/leases/e";
    private KubernetesMockServer api;

    @BeforeEach
    void start() {
        api = new KubernetesMockServer(false);
        api.init();
    }

    @AfterEach
    void stop() {
        api.destroy();
    }

    private static Lease lease(String resourceVersion, String holder, long term) {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        return new LeaseBuilder().withNewMetadata().withName("e").withNamespace("ns").withResourceVersion(resourceVersion)
                .withAnnotations(Map.of(KubernetesLeaseEngine.TERM_ANNOTATION, Long.toString(term))).endMetadata()
                .withNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds(15).withAcquireTime(now).withRenewTime(now)
                .withLeaseTransitions(0).endSpec().build();
    }

    @Test
    void aConflictWhileTheHolderStillHoldsItsTermIsReadAgainAndTheRenewWritten() {
        api.expect().get().withPath(PATH).andReturn(200, lease("1", "a", 1)).once();
        api.expect().put().withPath(PATH).andReturn(409, "{\"kind\":\"Status\",\"code\":409}").once();
        api.expect().get().withPath(PATH).andReturn(200, lease("2", "a", 1)).once();
        api.expect().put().withPath(PATH).andReturn(200, lease("3", "a", 1)).once();

        try (KubernetesLeaseEngine engine = KubernetesLeaseEngine.using(api.createClient(), "ns", Ticker.system())) {
            assertThat(engine.renew("e", "a", 1, Duration.ofSeconds(15))).as("still the holder of term 1").isPresent();
        }
    }

    @Test
    void aConflictBecauseAnotherTookTheLeaseIsALoss() {
        api.expect().get().withPath(PATH).andReturn(200, lease("1", "a", 1)).once();
        api.expect().put().withPath(PATH).andReturn(409, "{\"kind\":\"Status\",\"code\":409}").once();
        api.expect().get().withPath(PATH).andReturn(200, lease("2", "b", 2)).always();

        try (KubernetesLeaseEngine engine = KubernetesLeaseEngine.using(api.createClient(), "ns", Ticker.system())) {
            assertThat(engine.renew("e", "a", 1, Duration.ofSeconds(15))).isEmpty();
        }
    }
}

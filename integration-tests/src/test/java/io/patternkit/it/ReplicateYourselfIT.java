package io.patternkit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.patternkit.core.NotImplementedException;
import io.patternkit.core.SidecarConfig;
import io.patternkit.lifecycle.ScaleClient;
import io.patternkit.lifecycle.WorkloadScale;
import io.patternkit.testing.SidecarProcess;
import java.net.InetAddress;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * "Replicate yourself" end to end: the SDK's {@link ScaleClient} in this JVM, a real sidecar process
 * ({@code run --patterns scale}), and fabric8's mock API server in expectations mode standing for Kubernetes, so
 * that the test sees the exact request the sidecar makes to the scale subresource.
 */
class ReplicateYourselfIT {
    private static final String SCALE_PATH = "/apis/apps/v1/namespaces/shop/deployments/indexer/scale";
    private KubernetesMockServer api;

    @BeforeEach
    void startApiServer() {
        api = new KubernetesMockServer(false);
        api.init(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stopApiServer() {
        api.destroy();
    }

    private static Scale scale(int wanted, int running) {
        return new ScaleBuilder().withNewMetadata().withName("indexer").withNamespace("shop").withResourceVersion("9")
                .endMetadata().withNewSpec().withReplicas(wanted).endSpec().withNewStatus().withReplicas(running)
                .endStatus().build();
    }

    @Test
    void anAppAsksForReplicasAndItsSidecarSetsTheDeploymentsScaleWithinItsBounds() throws Exception {
        api.expect().get().withPath(SCALE_PATH).andReturn(200, scale(2, 2)).always();
        api.expect().put().withPath(SCALE_PATH).andReturn(200, scale(6, 2)).once();
        try (SidecarProcess sidecar = SidecarProcess.run("scale").env("POD_NAMESPACE", "shop")
                .args("--scale-max", "6", "--scale-target", "deployment/indexer", "--kube-master", api.url("/")).start();
                ScaleClient scale = ScaleClient.create(SidecarConfig.builder().baseUrl(sidecar.baseUrl()).build())) {
            WorkloadScale now = scale.current();
            assertThat(now.kind()).isEqualTo("deployment");
            assertThat(now.replicas()).isEqualTo(2);
            assertThat(now.maxReplicas()).isEqualTo(6);
            assertThat(now.requestedReplicas()).isEmpty();

            WorkloadScale after = scale.scaleTo(9);

            assertThat(after.replicas()).isEqualTo(6);
            assertThat(after.requestedReplicas()).isEqualTo(OptionalInt.of(9));
            assertThat(after.clamped()).isTrue();
            RecordedRequest put = null;
            for (int i = api.getRequestCount(); i > 0; i--) {
                RecordedRequest r = api.takeRequest();
                if (r.getMethod().equals("PUT")) {
                    put = r;
                }
            }
            assertThat(put).isNotNull();
            assertThat(put.getBody().readUtf8()).contains("\"replicas\":6").contains("\"resourceVersion\":\"9\"");
        }
    }

    @Test
    void aSidecarStartedWithoutScaleMaxRefusesWithATypedExceptionThatSaysWhy() {
        try (SidecarProcess sidecar = SidecarProcess.run("scale").start();
                ScaleClient scale = ScaleClient.create(SidecarConfig.builder().baseUrl(sidecar.baseUrl()).build())) {
            assertThatThrownBy(() -> scale.scaleTo(3)).isInstanceOf(NotImplementedException.class)
                    .hasMessageContaining("--scale-max");
            assertThat(api.getRequestCount()).isZero();
        }
    }
}

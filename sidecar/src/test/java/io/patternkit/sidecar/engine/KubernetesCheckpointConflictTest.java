package io.patternkit.sidecar.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.patternkit.protocol.ProblemType;
import io.patternkit.sidecar.common.ProblemException;
import io.patternkit.sidecar.engine.kubernetes.KubernetesCheckpointEngine;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ConfigMap checkpoint engine when another sidecar writes between its read and its update: fabric8's mock API
 * server in expectations mode answers the first update 409, as a real API server does for a stale
 * resourceVersion, and the engine must read again and check its conditions against what the other wrote.
 */
class KubernetesCheckpointConflictTest {
    private static final String NAME = "report-progress";
    private KubernetesMockServer api;
    private String path;

    @BeforeEach
    void start() {
        api = new KubernetesMockServer(false);
        api.init();
        path = "/api/v1/namespaces/ns/configmaps/" + KubernetesCheckpointEngine.configMapName(NAME);
    }

    @AfterEach
    void stop() {
        api.destroy();
    }

    private static ConfigMap checkpoint(String resourceVersion, long version, long fence, String state) {
        return new ConfigMapBuilder().withNewMetadata().withName(KubernetesCheckpointEngine.configMapName(NAME))
                .withNamespace("ns").withResourceVersion(resourceVersion).endMetadata()
                .withData(Map.of("state", state, "version", Long.toString(version), "fence", Long.toString(fence),
                        "updatedAtMs", "1"))
                .build();
    }

    @Test
    void aStateTooLargeForAConfigMapIsRefused413WithoutAskingTheApiServerToWriteIt() {
        api.expect().get().withPath(path).andReturn(200, checkpoint("1", 1, 0, "1")).always();
        // One update only: the refused save must not have used it.
        api.expect().put().withPath(path).andReturn(200, checkpoint("2", 2, 0, "2")).once();
        String state = "\"" + "x".repeat(1024 * 1024 - 40) + "\"";
        try (KubernetesCheckpointEngine engine = KubernetesCheckpointEngine.using(api.createClient(), "ns")) {
            assertThatThrownBy(() -> engine.save(NAME, state, null, null)).isInstanceOf(ProblemException.class)
                    .hasMessageContaining("holds at most 1048576").extracting(e -> ((ProblemException) e).type())
                    .isEqualTo(ProblemType.PAYLOAD_TOO_LARGE);
            assertThat(engine.save(NAME, state.substring(100), null, null)).as("a state that fits with its bookkeeping")
                    .map(c -> c.version()).contains(2L);
        }
    }

    @Test
    void aConflictIsReadAgainAndAConditionTheOtherWriterBrokeRefusesTheSave() {
        api.expect().get().withPath(path).andReturn(200, checkpoint("1", 1, 0, "1")).once();
        api.expect().put().withPath(path).andReturn(409, "{\"kind\":\"Status\",\"code\":409}").once();
        api.expect().get().withPath(path).andReturn(200, checkpoint("2", 2, 9, "2")).always();

        try (KubernetesCheckpointEngine engine = KubernetesCheckpointEngine.using(api.createClient(), "ns")) {
            assertThat(engine.save(NAME, "3", 1L, null)).as("the other writer moved the version to 2").isEmpty();
        }
        assertThat(api.getRequestCount()).isEqualTo(3);
    }

    @Test
    void aConflictIsReadAgainAndAConditionThatStillHoldsIsWrittenOnTheNewResourceVersion() throws Exception {
        api.expect().get().withPath(path).andReturn(200, checkpoint("1", 1, 0, "1")).once();
        api.expect().put().withPath(path).andReturn(409, "{\"kind\":\"Status\",\"code\":409}").once();
        api.expect().get().withPath(path).andReturn(200, checkpoint("2", 2, 3, "2")).once();
        api.expect().put().withPath(path).andReturn(200, checkpoint("3", 3, 5, "3")).once();

        try (KubernetesCheckpointEngine engine = KubernetesCheckpointEngine.using(api.createClient(), "ns")) {
            assertThat(engine.save(NAME, "3", null, 5L)).map(c -> c.version()).contains(3L);
        }
        api.takeRequest();
        api.takeRequest();
        api.takeRequest();
        String second = api.takeRequest().getBody().readUtf8();
        assertThat(second).contains("\"resourceVersion\":\"2\"").contains("\"version\":\"3\"").contains("\"fence\":\"5\"");
    }
}

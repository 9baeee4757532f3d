package io.patternkit.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.patternkit.protocol.ProblemType;
import io.patternkit.sidecar.host.SidecarHost;
import io.patternkit.sidecar.scale.ScaleSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Replicate yourself" over real HTTP against fabric8's mock API server in expectations mode, so that each
 * request the sidecar makes to Kubernetes is the one a real API server would get (the owner chain of the pod,
 * then the scale subresource with the resourceVersion read); every well-formed exchange is checked against the
 * OpenAPI contract.
 */
class ScaleHttpTest {
    private static final String NS = "shop";
    private static final String POD = "indexer-7d9f8-x2kqp";
    private static final String SCALE_PATH = "/apis/apps/v1/namespaces/" + NS + "/deployments/indexer/scale";

    @TempDir
    Path dir;
    private KubernetesMockServer api;
    private SidecarHost sidecar;
    private HttpHarness http;

    @BeforeEach
    void startApiServer() {
        api = new KubernetesMockServer(false);
        api.init();
    }

    @AfterEach
    void stop() {
        if (sidecar != null) {
            sidecar.close();
        }
        api.destroy();
    }

    private void startSidecar(int min, Integer max, String target) {
        sidecar = HttpHarness.scale(dir, new ScaleSettings(Optional.ofNullable(max), min, Optional.ofNullable(target),
                Optional.of(POD), Optional.of(NS), Optional.of(api.url("/"))));
        http = new HttpHarness(sidecar.port());
    }

    private void podOwnedByDeployment() {
        Pod pod = new PodBuilder().withNewMetadata().withName(POD).withNamespace(NS)
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet")
                        .withName("indexer-7d9f8").withController(true).build()).endMetadata().build();
        ReplicaSet set = new ReplicaSetBuilder().withNewMetadata().withName("indexer-7d9f8").withNamespace(NS)
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
                        .withName("indexer").withController(true).build()).endMetadata().build();
        api.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/" + POD).andReturn(200, pod).always();
        api.expect().get().withPath("/apis/apps/v1/namespaces/" + NS + "/replicasets/indexer-7d9f8").andReturn(200, set).always();
    }

    private static Scale scale(int wanted, int running, String resourceVersion) {
        return new ScaleBuilder().withNewMetadata().withName("indexer").withNamespace(NS)
                .withResourceVersion(resourceVersion).endMetadata()
                .withNewSpec().withReplicas(wanted).endSpec().withNewStatus().withReplicas(running).endStatus().build();
    }

    private List<RecordedRequest> requests() throws InterruptedException {
        List<RecordedRequest> all = new ArrayList<>();
        for (int i = api.getRequestCount(); i > 0; i--) {
            all.add(api.takeRequest());
        }
        return all;
    }

    @Test
    void findsTheDeploymentThatOwnsItsPodAndSetsItsScaleWithTheResourceVersionItRead() throws Exception {
        startSidecar(1, 8, null);
        podOwnedByDeployment();
        api.expect().get().withPath(SCALE_PATH).andReturn(200, scale(2, 2, "41")).always();
        api.expect().put().withPath(SCALE_PATH).andReturn(200, scale(5, 2, "42")).once();

        HttpHarness.Reply read = http.call("GET", "/v1/scale", null);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().get("workload").get("kind").asString()).isEqualTo("deployment");
        assertThat(read.json().get("workload").get("name").asString()).isEqualTo("indexer");
        assertThat(read.json().get("replicas").asInt()).isEqualTo(2);
        HttpHarness.Reply scaled = http.call("PUT", "/v1/scale", "{\"replicas\":5}");

        assertThat(scaled.status()).isEqualTo(200);
        assertThat(scaled.json().get("replicas").asInt()).isEqualTo(5);
        assertThat(scaled.json().get("clamped").asBoolean()).isFalse();
        RecordedRequest put = requests().stream().filter(r -> r.getMethod().equals("PUT")).findFirst().orElseThrow();
        assertThat(put.getPath()).isEqualTo(SCALE_PATH);
        String body = put.getBody().readUtf8();
        assertThat(body).contains("\"replicas\":5").contains("\"resourceVersion\":\"41\"");
    }

    /** Found by an audit: a scale read without a spec (read as 0 wanted) made the write a NullPointerException, a 500. */
    @Test
    void aScaleWithoutASpecIsWrittenWithOne() throws Exception {
        startSidecar(1, 8, null);
        podOwnedByDeployment();
        Scale bare = new ScaleBuilder().withNewMetadata().withName("indexer").withNamespace(NS).withResourceVersion("9")
                .endMetadata().build();
        api.expect().get().withPath(SCALE_PATH).andReturn(200, bare).always();
        api.expect().put().withPath(SCALE_PATH).andReturn(200, scale(3, 0, "10")).once();

        HttpHarness.Reply scaled = http.call("PUT", "/v1/scale", "{\"replicas\":3}");

        assertThat(scaled.status()).isEqualTo(200);
        assertThat(scaled.json().get("replicas").asInt()).isEqualTo(3);
        assertThat(requests().stream().filter(r -> r.getMethod().equals("PUT")).findFirst().orElseThrow().getBody()
                .readUtf8()).contains("\"replicas\":3");
    }

    @Test
    void aRequestOutsideTheBoundsIsClampedAndSaysSo() throws Exception {
        startSidecar(2, 4, "deployment/indexer");
        api.expect().get().withPath(SCALE_PATH).andReturn(200, scale(3, 3, "7")).always();
        api.expect().put().withPath(SCALE_PATH).andReturn(200, scale(4, 3, "8")).once();

        HttpHarness.Reply scaled = http.call("PUT", "/v1/scale", "{\"replicas\":40}");

        assertThat(scaled.status()).isEqualTo(200);
        assertThat(scaled.json().get("requestedReplicas").asInt()).isEqualTo(40);
        assertThat(scaled.json().get("replicas").asInt()).isEqualTo(4);
        assertThat(scaled.json().get("clamped").asBoolean()).isTrue();
        assertThat(requests()).extracting(RecordedRequest::getPath).as("no owner lookup with --scale-target")
                .doesNotContain("/api/v1/namespaces/" + NS + "/pods/" + POD);
    }

    @Test
    void aConflictWithAnotherReplicasRequestIsReadAgainAndRetried() throws Exception {
        startSidecar(1, 8, "deployment/indexer");
        api.expect().get().withPath(SCALE_PATH).andReturn(200, scale(2, 2, "41")).once();
        api.expect().get().withPath(SCALE_PATH).andReturn(200, scale(3, 2, "43")).always();
        api.expect().put().withPath(SCALE_PATH).andReturn(409, "{\"kind\":\"Status\",\"code\":409}").once();
        api.expect().put().withPath(SCALE_PATH).andReturn(200, scale(6, 2, "44")).once();

        HttpHarness.Reply scaled = http.call("PUT", "/v1/scale", "{\"replicas\":6}");

        assertThat(scaled.status()).isEqualTo(200);
        assertThat(scaled.json().get("replicas").asInt()).isEqualTo(6);
        List<String> puts = requests().stream().filter(r -> r.getMethod().equals("PUT")).map(r -> r.getBody().readUtf8()).toList();
        assertThat(puts).hasSize(2);
        assertThat(puts.get(1)).contains("\"resourceVersion\":\"43\"");
    }

    @Test
    void aServiceAccountWithoutTheRoleGetsA501NamingTheRbac() {
        startSidecar(1, 8, "statefulset/indexer");
        api.expect().get().withPath("/apis/apps/v1/namespaces/" + NS + "/statefulsets/indexer/scale")
                .andReturn(403, "{\"kind\":\"Status\",\"code\":403}").always();

        HttpHarness.Reply refused = http.call("GET", "/v1/scale", null);

        assertThat(refused.status()).isEqualTo(501);
        assertThat(refused.json().get("type").asString()).isEqualTo(ProblemType.NOT_IMPLEMENTED.uri());
        assertThat(refused.json().get("detail").asString()).contains("rbac.yaml");
    }

    @Test
    void aPodWithoutAControllerCannotBeScaled() {
        startSidecar(1, 8, null);
        api.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/" + POD)
                .andReturn(200, new PodBuilder().withNewMetadata().withName(POD).withNamespace(NS).endMetadata().build())
                .always();

        HttpHarness.Reply refused = http.call("PUT", "/v1/scale", "{\"replicas\":2}");

        assertThat(refused.status()).isEqualTo(501);
        assertThat(refused.json().get("detail").asString()).contains("pod " + POD + " has no controller to scale");
    }

    @Test
    void offWithoutScaleMaxAndBadInputIsA400() {
        startSidecar(1, null, null);
        HttpHarness.Reply off = http.call("GET", "/v1/scale", null);
        assertThat(off.status()).isEqualTo(501);
        assertThat(off.json().get("detail").asString()).contains("--scale-max");
        assertThat(api.getRequestCount()).isZero();

        for (String bad : List.of("{\"replicas\":-1}", "{\"replicas\":1001}", "{\"replicas\":\"3\"}", "{}", "{\"replicas\":2,\"x\":1}",
                "{\"replicas\":3} junk")) {
            HttpHarness.Reply reply = http.send(http.request("PUT", "/v1/scale", "application/json", bad, true).build());
            assertThat(reply.status()).as(bad).isEqualTo(400);
        }
    }
}

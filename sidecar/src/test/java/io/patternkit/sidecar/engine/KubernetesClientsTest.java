package io.patternkit.sidecar.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.patternkit.sidecar.engine.kubernetes.KubernetesClients;
import java.security.cert.CertPathBuilderException;
import org.junit.jupiter.api.Test;

/** {@code --kube-master}: a plain URL is used as given, an {@code https} one only with a certificate the JVM trusts. */
class KubernetesClientsTest {
    @Test
    void anHttpsApiServerWithACertificateTheJvmDoesNotTrustIsRefused() {
        KubernetesMockServer https = new KubernetesMockServer(true); // its certificate is self-signed
        https.expect().get().withPath("/api/v1/namespaces/ns").andReturn(200,
                new NamespaceBuilder().withNewMetadata().withName("ns").endMetadata().build()).always();
        https.init();
        try (KubernetesClient client = KubernetesClients.connect(https.url("/"))) {
            assertThat(https.url("/")).startsWith("https://");
            assertThatThrownBy(() -> client.namespaces().withName("ns").get())
                    .isInstanceOf(KubernetesClientException.class).hasRootCauseInstanceOf(CertPathBuilderException.class);
        } finally {
            https.destroy();
        }
    }

    @Test
    void aPlainApiServerUrlIsUsedAsGiven() {
        KubernetesMockServer http = new KubernetesMockServer(false);
        http.expect().get().withPath("/api/v1/namespaces/ns").andReturn(200,
                new NamespaceBuilder().withNewMetadata().withName("ns").endMetadata().build()).always();
        http.init();
        try (KubernetesClient client = KubernetesClients.connect(http.url("/"))) {
            assertThat(client.namespaces().withName("ns").get().getMetadata().getName()).isEqualTo("ns");
        } finally {
            http.destroy();
        }
    }
}

package io.patternkit.sidecar.engine.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.patternkit.sidecar.common.EngineException;
import java.util.function.Supplier;

/**
 * The one way the sidecar builds a fabric8 client (in-cluster or {@code ~/.kube/config}, or a given API server URL)
 * and the engines' one way of turning the API server's failures into {@link EngineException}s.
 */
public final class KubernetesClients {
    private KubernetesClients() {
    }

    /**
     * @param masterUrl the API server URL without credentials ({@code kubectl proxy}, tests), or null for fabric8's
     *     auto-configuration (the pod's service account in a cluster, else {@code ~/.kube/config}); an {@code https}
     *     URL's certificate is checked against the JVM's trust store, as the client may change replica counts
     * @return the client; close it
     * @throws EngineException when the client cannot be configured
     */
    public static KubernetesClient connect(String masterUrl) {
        try {
            Config config = masterUrl == null ? Config.autoConfigure(null)
                    : new ConfigBuilder(Config.empty()).withMasterUrl(masterUrl).build();
            return new KubernetesClientBuilder().withConfig(config).build();
        } catch (RuntimeException e) {
            throw new EngineException("cannot configure the Kubernetes client: " + e.getMessage(), e);
        }
    }

    /**
     * Runs one engine operation against the API server.
     *
     * @param what the operation, for the message, such as {@code acquire}
     * @param work the operation
     * @param <T> its result
     * @return its result
     * @throws EngineException when the API server answered an error the operation did not handle itself
     */
    public static <T> T call(String what, Supplier<T> work) {
        try {
            return work.get();
        } catch (KubernetesClientException e) {
            throw new EngineException(what + " failed: " + e.getCode() + " " + e.getMessage(), e);
        }
    }
}

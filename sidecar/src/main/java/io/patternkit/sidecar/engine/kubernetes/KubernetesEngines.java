package io.patternkit.sidecar.engine.kubernetes;

import io.patternkit.sidecar.checkpoint.CheckpointEngine;
import io.patternkit.sidecar.common.Closeables;
import io.patternkit.sidecar.common.Ticker;
import io.patternkit.sidecar.host.EngineFamily;
import io.patternkit.sidecar.leader.LeaseEngine;
import java.util.Optional;

/**
 * The Kubernetes engine as the host opens it: {@code coordination.k8s.io/v1} Leases for leader
 * election and ConfigMaps for checkpoints. It serves no work queue (use SQLite or PostgreSQL for that).
 */
public final class KubernetesEngines implements EngineFamily {
    private final String masterUrl;
    private final String namespace;
    private final Ticker ticker;
    private final Closeables opened = new Closeables();

    /**
     * @param masterUrl the API server URL, or null for fabric8's auto-configuration (in-cluster or {@code ~/.kube/config})
     * @param namespace the namespace of the Leases, or null for the configured one
     * @param ticker the monotonic clock that times observed leases
     */
    public KubernetesEngines(String masterUrl, String namespace, Ticker ticker) {
        this.masterUrl = masterUrl;
        this.namespace = namespace;
        this.ticker = ticker;
    }

    @Override
    public String name() {
        return "kubernetes";
    }

    @Override
    public <T> Optional<T> open(Class<T> spi) {
        if (spi == LeaseEngine.class) {
            return Optional.of(spi.cast(opened.add(KubernetesLeaseEngine.connect(masterUrl, namespace, ticker))));
        }
        if (spi == CheckpointEngine.class) {
            return Optional.of(spi.cast(opened.add(KubernetesCheckpointEngine.connect(masterUrl, namespace))));
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        opened.closeAll();
    }
}

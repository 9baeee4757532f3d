package io.patternkit.sidecar.scale;

import io.patternkit.sidecar.engine.kubernetes.KubernetesClients;
import io.patternkit.sidecar.host.HostContext;
import io.patternkit.sidecar.host.PatternModule;
import io.patternkit.sidecar.host.RunningPattern;
import java.util.Optional;

/**
 * "Replicate yourself" as a module of the sidecar ({@code GET} and {@code PUT /v1/scale}). Off (501) unless
 * started with {@code --scale-max}; then it builds a Kubernetes client (in-cluster, {@code ~/.kube/config} or
 * {@code --kube-master}) and finds the workload on the first request, so a sidecar starts even while the API
 * server is away.
 */
public final class ScaleModule implements PatternModule {
    /** The name {@code run --patterns} knows it by. */
    public static final String NAME = "scale";

    private final ScaleSettings settings;

    /** @param settings the options it was started with */
    public ScaleModule(ScaleSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RunningPattern start(HostContext context) {
        Optional<WorkloadScaler> scaler = settings.enabled()
                ? Optional.of(new WorkloadScaler(KubernetesClients.connect(settings.kubeMaster().orElse(null)), true, settings))
                : Optional.empty();
        return new ScaleRoutes(context.vertx(), context.mapper(), settings, scaler, context.registry());
    }
}

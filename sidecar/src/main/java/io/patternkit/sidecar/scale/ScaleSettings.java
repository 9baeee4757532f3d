package io.patternkit.sidecar.scale;

import java.util.Optional;

/**
 * What the scale pattern was started with.
 *
 * @param maxReplicas the most replicas an app may ask for; empty when the pattern is off
 * @param minReplicas the fewest
 * @param target the workload to scale as {@code deployment/NAME} or {@code statefulset/NAME}; empty to find the
 *     controller that owns {@code podName}
 * @param podName this sidecar's pod, for finding its owner; empty outside Kubernetes
 * @param namespace the namespace of the pod and the workload; empty for the client's configured one
 * @param kubeMaster the API server URL; empty for fabric8's auto-configuration
 */
public record ScaleSettings(Optional<Integer> maxReplicas, int minReplicas, Optional<String> target,
        Optional<String> podName, Optional<String> namespace, Optional<String> kubeMaster) {
    /** @return true when {@code --scale-max} turned the pattern on */
    public boolean enabled() {
        return maxReplicas.isPresent();
    }
}

package io.patternkit.lifecycle;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * The scale of the workload a sidecar scales for its app ("replicate yourself"): the Kubernetes Deployment or
 * StatefulSet, its wanted and running replicas ({@code spec.replicas} and {@code status.replicas} of its scale
 * subresource) and the bounds the sidecar was started with.
 *
 * @param kind {@code deployment} or {@code statefulset}
 * @param name the workload's name
 * @param namespace its namespace
 * @param replicas the replicas wanted
 * @param currentReplicas the replicas running
 * @param minReplicas the fewest the app may ask for ({@code --scale-min})
 * @param maxReplicas the most ({@code --scale-max})
 * @param requestedReplicas what the app asked for, on the answer to {@link ScaleClient#scaleTo}; empty on a read
 * @param clamped true when the request was outside the bounds and the nearest bound was set instead
 */
public record WorkloadScale(String kind, String name, String namespace, int replicas, int currentReplicas,
        int minReplicas, int maxReplicas, OptionalInt requestedReplicas, boolean clamped) {
    /**
     * Checks that the names and the optional are present.
     *
     * @param kind {@code deployment} or {@code statefulset}
     * @param name the workload's name
     * @param namespace its namespace
     * @param replicas the replicas wanted
     * @param currentReplicas the replicas running
     * @param minReplicas the fewest the app may ask for ({@code --scale-min})
     * @param maxReplicas the most ({@code --scale-max})
     * @param requestedReplicas what the app asked for, on the answer to {@link ScaleClient#scaleTo}; empty on a read
     * @param clamped true when the request was outside the bounds and the nearest bound was set instead
     */
    public WorkloadScale {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(requestedReplicas, "requestedReplicas");
    }
}

package io.patternkit.sidecar.scale;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Scalable;
import io.patternkit.protocol.ProblemType;
import io.patternkit.sidecar.common.EngineException;
import io.patternkit.sidecar.common.ProblemException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The Kubernetes side of "replicate yourself", blocking: finds the workload (the given one, or the controller that
 * owns this pod: Pod, ReplicaSet, Deployment; or Pod, StatefulSet), and reads and sets its scale subresource with
 * the {@code resourceVersion} it read, so that two replicas asking at once cannot overwrite each other unseen (a
 * 409 is read again and retried). Calls the API server on the calling thread; not for the event loop.
 */
final class WorkloadScaler implements AutoCloseable {
    private static final int CONFLICT_RETRIES = 3;

    /** The workload scaled: its kind ({@code deployment} or {@code statefulset}), name and namespace. */
    record Workload(String kind, String name, String namespace) {
        @Override
        public String toString() {
            return kind + "/" + name + " in namespace " + namespace;
        }
    }

    /** The workload's replicas: wanted ({@code spec.replicas}) and running ({@code status.replicas}). */
    record Replicas(Workload workload, int desired, int current) {
    }

    /** What a scale request found and left: the replicas before it and after it. */
    record Change(Replicas before, Replicas after) {
    }

    private final KubernetesClient client;
    private final boolean ownsClient;
    private final ScaleSettings settings;
    private final String namespace;
    private volatile Workload workload;

    WorkloadScaler(KubernetesClient client, boolean ownsClient, ScaleSettings settings) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.settings = settings;
        this.namespace = settings.namespace().orElseGet(() -> Optional.ofNullable(client.getNamespace()).orElse("default"));
    }

    Replicas read() {
        Workload target = workload();
        return replicas(target, call("read the scale of " + target, () -> scalable(target).scale()));
    }

    /**
     * Sets the wanted replicas, unless they are that already (then nothing is written).
     *
     * @param replicas the replicas wanted
     * @return the replicas read before the write and those after it (the same when nothing was written)
     */
    Change scaleTo(int replicas) {
        Workload target = workload();
        for (int attempt = 1; ; attempt++) {
            Scale scale = call("read the scale of " + target, () -> scalable(target).scale());
            Replicas before = replicas(target, scale);
            if (before.desired() == replicas) {
                return new Change(before, before);
            }
            if (scale.getSpec() == null) { // read as 0 desired replicas by replicas(): write the spec whole
                scale.setSpec(new ScaleSpec());
            }
            scale.getSpec().setReplicas(replicas);
            try {
                return new Change(before, replicas(target, scalable(target).scale(scale)));
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == CONFLICT_RETRIES) {
                    throw failure("set the scale of " + target, e);
                }
            }
        }
    }

    private Workload workload() {
        Workload known = workload;
        if (known == null) {
            known = settings.target().map(this::parse).orElseGet(this::owner);
            workload = known;
        }
        return known;
    }

    private Workload parse(String target) {
        String[] kindAndName = target.split("/", 2);
        return new Workload(kindAndName[0], kindAndName[1], namespace);
    }

    private Workload owner() {
        String podName = settings.podName().orElseThrow(() -> new ProblemException(ProblemType.NOT_IMPLEMENTED,
                "this sidecar does not know its pod: set " + ScaleOptions.ENV_POD_NAME + " from the Downward API, or "
                        + "--scale-target"));
        Pod pod = call("read pod " + podName, () -> client.pods().inNamespace(namespace).withName(podName).get());
        if (pod == null) {
            throw new ProblemException(ProblemType.NOT_IMPLEMENTED, "pod " + podName + " is not in namespace "
                    + namespace + ": set " + ScaleOptions.ENV_POD_NAMESPACE + ", or --scale-target");
        }
        OwnerReference owner = controller(pod);
        if (owner.getKind().equals("ReplicaSet")) {
            ReplicaSet set = call("read replica set " + owner.getName(),
                    () -> client.apps().replicaSets().inNamespace(namespace).withName(owner.getName()).get());
            if (set == null) {
                throw new ProblemException(ProblemType.NOT_IMPLEMENTED, "replica set " + owner.getName() + " is gone");
            }
            OwnerReference deployment = controller(set);
            if (deployment.getKind().equals("Deployment")) {
                return new Workload("deployment", deployment.getName(), namespace);
            }
            throw unscalable(set, deployment);
        }
        if (owner.getKind().equals("StatefulSet")) {
            return new Workload("statefulset", owner.getName(), namespace);
        }
        throw unscalable(pod, owner);
    }

    private static OwnerReference controller(HasMetadata object) {
        return object.getMetadata().getOwnerReferences().stream()
                .filter(o -> Boolean.TRUE.equals(o.getController())).findFirst()
                .orElseThrow(() -> new ProblemException(ProblemType.NOT_IMPLEMENTED,
                        object.getKind().toLowerCase(Locale.ROOT) + " " + object.getMetadata().getName()
                                + " has no controller to scale: set --scale-target"));
    }

    private static ProblemException unscalable(HasMetadata object, OwnerReference owner) {
        return new ProblemException(ProblemType.NOT_IMPLEMENTED, object.getKind().toLowerCase(Locale.ROOT) + " "
                + object.getMetadata().getName() + " is controlled by " + owner.getKind() + " " + owner.getName()
                + ", which is not a Deployment or StatefulSet: set --scale-target");
    }

    private Scalable<?> scalable(Workload target) {
        return target.kind().equals("deployment")
                ? client.apps().deployments().inNamespace(target.namespace()).withName(target.name())
                : client.apps().statefulSets().inNamespace(target.namespace()).withName(target.name());
    }

    private static Replicas replicas(Workload target, Scale scale) {
        if (scale == null) {
            throw new ProblemException(ProblemType.NOT_IMPLEMENTED, target + " does not exist: set --scale-target");
        }
        Integer desired = scale.getSpec() == null ? null : scale.getSpec().getReplicas();
        Integer current = scale.getStatus() == null ? null : scale.getStatus().getReplicas();
        return new Replicas(target, desired == null ? 0 : desired, current == null ? 0 : current);
    }

    private static <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            throw failure(what, e);
        }
    }

    private static RuntimeException failure(String what, KubernetesClientException e) {
        if (e.getCode() == 403) {
            return new ProblemException(ProblemType.NOT_IMPLEMENTED, "the sidecar's service account may not " + what
                    + " (403): grant it the Role in deploy/kubernetes/rbac.yaml");
        }
        if (e.getCode() == 404) {
            return new ProblemException(ProblemType.NOT_IMPLEMENTED, "cannot " + what + ": not found (404); set --scale-target");
        }
        return new EngineException("cannot " + what + ": " + e.getCode() + " " + e.getMessage(), e);
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}

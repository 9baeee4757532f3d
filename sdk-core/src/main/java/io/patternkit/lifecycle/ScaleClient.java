package io.patternkit.lifecycle;

import io.patternkit.core.InvalidRequestException;
import io.patternkit.core.NotImplementedException;
import io.patternkit.core.ProtocolException;
import io.patternkit.core.SidecarClient;
import io.patternkit.core.SidecarConfig;
import io.patternkit.core.SidecarReadiness;
import io.patternkit.core.internal.SidecarCall;
import io.patternkit.core.internal.Transport;
import io.patternkit.protocol.Wire;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * "Replicate yourself", the single-container management pattern's downward request that Burns and Oppenheimer
 * name beside the termination notice: the app asks its sidecar for a number of replicas of its own workload,
 * and the sidecar ({@code patternkit-sidecar run --scale-max N} on Kubernetes) sets the scale subresource of the
 * Deployment or StatefulSet that owns its pod, clamped to its bounds. The app decides from what it knows (a
 * backlog, a deadline); the operator's bounds and RBAC decide how far it may go. Holds an HTTP connection pool;
 * create one per application, share it (thread-safe) and close it at shutdown.
 *
 * <pre>{@code
 * try (ScaleClient scale = ScaleClient.create()) {
 *     long backlog = queue.stats().ready();
 *     WorkloadScale now = scale.scaleTo((int) Math.min(10, 1 + backlog / 5_000));
 * }
 * }</pre>
 */
public final class ScaleClient implements SidecarClient, AutoCloseable {
    private static final String PATH = "/v1/scale";

    private final Transport transport;

    private ScaleClient(SidecarConfig config) {
        this.transport = new Transport(config);
    }

    /**
     * Creates a client from the environment: {@value Wire#ENV_SCALE_URL}, else {@value Wire#ENV_SIDECAR_URL},
     * else {@code http://127.0.0.1:7300}; and the API token variables.
     *
     * @return the client
     * @throws IllegalArgumentException when the environment holds a malformed URL or unreadable token file
     */
    public static ScaleClient create() {
        return create(SidecarConfig.builder().fromEnvironment(Wire.ENV_SCALE_URL, Wire.DEFAULT_SIDECAR_PORT).build());
    }

    /**
     * @param config the sidecar's configuration; not null
     * @return a client for it
     */
    public static ScaleClient create(SidecarConfig config) {
        return new ScaleClient(Objects.requireNonNull(config, "config"));
    }

    record WireScale(WireWorkload workload, Integer replicas, Integer currentReplicas, Integer minReplicas,
            Integer maxReplicas, Integer requestedReplicas, Boolean clamped) {
    }

    record WireWorkload(String kind, String name, String namespace) {
    }

    record ScaleRequest(int replicas) {
    }

    /**
     * Reads the workload's scale ({@code GET /v1/scale}).
     *
     * @return the workload, its wanted and running replicas and the bounds
     * @throws NotImplementedException when the sidecar does not scale here (started without {@code --scale-max},
     *     not on Kubernetes, a pod without a scalable owner, or a service account without the Role); the message
     *     says which
     * @throws io.patternkit.core.PatternkitException for the other failures every call can have
     */
    public WorkloadScale current() {
        return toScale(transport.execute(SidecarCall.get("readScale", PATH), WireScale.class));
    }

    /**
     * Asks for {@code replicas} replicas ({@code PUT /v1/scale}): the sidecar sets them, clamped to its bounds,
     * and answers what it set. Idempotent: asking again for the same number changes nothing.
     *
     * @param replicas the replicas wanted; 0 to 1000
     * @return the scale after the request, with what was asked and whether it was clamped
     * @throws IllegalArgumentException when {@code replicas} is out of range
     * @throws NotImplementedException when the sidecar does not scale here (see {@link #current()})
     * @throws InvalidRequestException when the sidecar refused the request as malformed
     * @throws io.patternkit.core.PatternkitException for the other failures every call can have
     */
    public WorkloadScale scaleTo(int replicas) {
        if (replicas < 0 || replicas > 1000) {
            throw new IllegalArgumentException("replicas must be 0 to 1000, got " + replicas);
        }
        return toScale(transport.execute(SidecarCall.put("setScale", PATH, new ScaleRequest(replicas)), WireScale.class));
    }

    private static WorkloadScale toScale(WireScale w) {
        if (w.workload() == null || w.workload().kind() == null || w.workload().name() == null
                || w.workload().namespace() == null || w.replicas() == null || w.currentReplicas() == null
                || w.minReplicas() == null || w.maxReplicas() == null) {
            throw new ProtocolException("scale: the sidecar's answer lacks the workload, replicas or bounds", 200, null, null);
        }
        return new WorkloadScale(w.workload().kind(), w.workload().name(), w.workload().namespace(), w.replicas(),
                w.currentReplicas(), w.minReplicas(), w.maxReplicas(),
                w.requestedReplicas() == null ? OptionalInt.empty() : OptionalInt.of(w.requestedReplicas()),
                Boolean.TRUE.equals(w.clamped()));
    }

    @Override
    public SidecarConfig config() {
        return transport.config();
    }

    @Override
    public SidecarReadiness readiness() {
        return transport.readiness();
    }

    /** Releases connections and threads. */
    @Override
    public void close() {
        transport.close();
    }
}

package io.patternkit.workqueue;

import io.patternkit.protocol.NameRule;

import io.patternkit.core.SidecarClient;
import io.patternkit.core.SidecarConfig;
import io.patternkit.core.SidecarReadiness;
import io.patternkit.core.internal.Transport;
import io.patternkit.protocol.Wire;
import io.patternkit.workqueue.internal.HttpWorkQueue;
import java.util.Objects;

/**
 * Client of a work-queue sidecar: holds the HTTP connection pool, retry and circuit-breaker state, and
 * hands out {@link WorkQueue} handles. Create one per application and share it; thread-safe. Close it
 * at shutdown (after closing its consumers).
 */
public final class WorkQueueClient implements WorkQueues, SidecarClient, AutoCloseable {
    private final Transport transport;

    private WorkQueueClient(SidecarConfig config) {
        this.transport = new Transport(config);
    }

    /**
     * Creates a client from the environment: {@value Wire#ENV_WORKQUEUE_URL} (default
     * {@code http://127.0.0.1:7311}) and {@value Wire#ENV_API_TOKEN} or {@value Wire#ENV_API_TOKEN_FILE}.
     *
     * @return the client
     * @throws IllegalArgumentException when the environment holds a malformed URL or unreadable token file
     */
    public static WorkQueueClient create() {
        return create(SidecarConfig.builder().fromEnvironment(Wire.ENV_WORKQUEUE_URL, Wire.DEFAULT_WORKQUEUE_PORT)
                .build());
    }

    /**
     * @param config the sidecar's configuration; not null
     * @return a client for it
     */
    public static WorkQueueClient create(SidecarConfig config) {
        return new WorkQueueClient(Objects.requireNonNull(config, "config"));
    }

    /**
     * Returns a handle on a queue; queues exist implicitly on the sidecar. Cheap; no call is made.
     *
     * @param name 1 to 128 letters, digits, {@code .}, {@code _} and {@code -}
     * @return the queue
     * @throws IllegalArgumentException when the name is not allowed
     */
    @Override
    public WorkQueue queue(String name) {
        Objects.requireNonNull(name, "name");
        if (!NameRule.QUEUE.matches(name)) {
            throw new IllegalArgumentException(NameRule.QUEUE.rejection(name));
        }
        return new HttpWorkQueue(transport, name);
    }

    @Override
    public SidecarReadiness readiness() {
        return transport.readiness();
    }

    @Override
    public SidecarConfig config() {
        return transport.config();
    }

    /** Releases connections and threads; the queues obtained from this client stop working. */
    @Override
    public void close() {
        transport.close();
    }
}

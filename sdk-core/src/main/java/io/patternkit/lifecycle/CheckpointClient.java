package io.patternkit.lifecycle;

import io.patternkit.core.SidecarConfig;
import io.patternkit.core.internal.Transport;
import io.patternkit.lifecycle.internal.HttpCheckpointStore;
import io.patternkit.protocol.Wire;
import java.util.Objects;
import java.util.Optional;

/**
 * Client of the checkpoints a sidecar keeps ({@code patternkit-sidecar run}, which serves them by
 * default): the {@link CheckpointStore} of a real sidecar. Holds an HTTP connection pool; create one per
 * application, share it (thread-safe) and close it at shutdown.
 */
public final class CheckpointClient implements CheckpointStore, AutoCloseable {
    private final Transport transport;
    private final CheckpointStore store;

    private CheckpointClient(SidecarConfig config) {
        this.transport = new Transport(config);
        this.store = new HttpCheckpointStore(transport);
    }

    /**
     * Creates a client from the environment: {@value Wire#ENV_CHECKPOINT_URL}, else
     * {@value Wire#ENV_SIDECAR_URL}, else {@code http://127.0.0.1:7300}; and the API token variables.
     *
     * @return the client
     * @throws IllegalArgumentException when the environment holds a malformed URL or unreadable token file
     */
    public static CheckpointClient create() {
        return create(SidecarConfig.builder().fromEnvironment(Wire.ENV_CHECKPOINT_URL, Wire.DEFAULT_SIDECAR_PORT).build());
    }

    /**
     * @param config the sidecar's configuration; not null
     * @return a client for it
     */
    public static CheckpointClient create(SidecarConfig config) {
        return new CheckpointClient(Objects.requireNonNull(config, "config"));
    }

    @Override
    public Optional<Checkpoint> read(String name) {
        return store.read(name);
    }

    @Override
    public Checkpoint save(String name, CheckpointWrite write) {
        return store.save(name, write);
    }

    @Override
    public Checkpoint restore(String name, long fencingToken) {
        return store.restore(name, fencingToken);
    }

    /** @return the configuration this client uses */
    public SidecarConfig config() {
        return transport.config();
    }

    /** Releases connections and threads. */
    @Override
    public void close() {
        transport.close();
    }
}

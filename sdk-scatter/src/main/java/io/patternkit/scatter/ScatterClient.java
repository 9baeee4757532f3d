package io.patternkit.scatter;

import io.patternkit.core.SidecarConfig;
import io.patternkit.core.internal.Transport;
import io.patternkit.protocol.Wire;
import io.patternkit.scatter.internal.HttpScatter;
import io.patternkit.scatter.internal.LeafDirectory;
import java.util.Objects;

/**
 * Client of a scatter/gather root sidecar: scatters requests ({@link ScatterGather}) and registers leaves
 * ({@link ScatterLeaf#builder(ScatterClient, io.patternkit.management.ManagementServer)}). Holds the HTTP
 * connection pool, retry and circuit-breaker state; create one per application and share it; thread-safe.
 * Close it at shutdown, after its leaves.
 *
 * <p>A scatter's HTTP call may take {@link ScatterOptions#deadline()} plus {@link SidecarConfig#callTimeout()}
 * (the margin for the root's own work and the network); it is retried only when the connection could not
 * be made. Meters: {@link io.patternkit.core.ClientMetrics} per call and {@link ScatterMetrics}.
 */
public final class ScatterClient implements ScatterGather, AutoCloseable {
    private final Transport transport;
    private final HttpScatter scatter;

    private ScatterClient(SidecarConfig config) {
        this.transport = new Transport(config);
        this.scatter = new HttpScatter(transport);
    }

    /**
     * Creates a client from the environment: {@value Wire#ENV_SCATTER_URL} (default
     * {@code http://127.0.0.1:7312}) and {@value Wire#ENV_API_TOKEN} or {@value Wire#ENV_API_TOKEN_FILE}.
     *
     * @return the client
     * @throws IllegalArgumentException when the environment holds a malformed URL or unreadable token file
     */
    public static ScatterClient create() {
        return create(SidecarConfig.builder().fromEnvironment(Wire.ENV_SCATTER_URL, Wire.DEFAULT_SCATTER_PORT).build());
    }

    /**
     * @param config the root sidecar's configuration; not null
     * @return a client for it
     */
    public static ScatterClient create(SidecarConfig config) {
        return new ScatterClient(Objects.requireNonNull(config, "config"));
    }

    @Override
    public <Q, P, R> GatherResult<R> scatter(String pool, Q request, Class<P> partType, Merger<P, R> merger,
            ScatterOptions options) {
        return scatter.scatter(pool, request, partType, merger, options);
    }

    @Override
    public <Q, R> GatherResult<R> scatterMerged(String pool, Q request, Class<R> resultType, ScatterOptions options) {
        return scatter.scatterMerged(pool, request, resultType, options);
    }

    /**
     * What the root sidecar knows of a pool now ({@code GET /v1/pools/{pool}/leaves}): every shard with its
     * replicas, from registrations (with the time left before each lapses), the static list and DNS. For
     * diagnostics, readiness checks and tests, such as waiting until a leaf has joined or left; a scatter
     * does not need it. Idempotent, so retried like any read.
     *
     * @param pool the pool name, 1 to 128 letters, digits, {@code .}, {@code _} or {@code -}
     * @return the snapshot; an unknown pool has no shards (not an error)
     * @throws IllegalArgumentException when the pool name is invalid (before anything is sent)
     * @throws io.patternkit.core.PatternkitException when the root cannot be reached or refuses the call
     *     (such as {@code UnauthorizedException} without the root's token, {@code SidecarUnavailableException}),
     *     or {@code ProtocolException} for an answer the contract does not allow
     */
    public PoolLeaves leaves(String pool) {
        return LeafDirectory.list(transport, pool);
    }

    /** @return the configuration this client uses */
    public SidecarConfig config() {
        return transport.config();
    }

    Transport transport() {
        return transport;
    }

    /** Releases connections and threads; leaves registered through this client stop heartbeating. */
    @Override
    public void close() {
        transport.close();
    }
}

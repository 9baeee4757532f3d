package io.patternkit.scatter;

import io.patternkit.core.internal.DaemonThreads;
import io.patternkit.lifecycle.DrainPhase;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.management.EndpointHost;
import io.patternkit.management.ManagementServer;
import io.patternkit.protocol.Wire;
import io.patternkit.scatter.internal.Arguments;
import io.patternkit.scatter.internal.LeafEndpoint;
import io.patternkit.scatter.internal.LeafRegistration;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * One shard of a scatter pool served by this application: the SDK mounts the leaf endpoint on the
 * application's {@link ManagementServer}, or on its own web server through an {@link EndpointHost} adapter (the
 * Spring Boot starter's serves it on Spring MVC or WebFlux), at {@code /patternkit/leaf/<pool>} by default; answers the
 * root's calls with the {@link LeafHandler}, and keeps the leaf registered with the root sidecar
 * ({@code PUT /v1/pools/{pool}/leaves/{leafId}} every ttl/3 on a daemon thread, retrying while the root
 * is down and logging WARN once per outage). {@link #close()} leaves the pool ({@code DELETE}) and stops
 * serving.
 *
 * <pre>{@code
 * ManagementServer server = ManagementServer.builder().fromEnvironment().build().start();
 * ScatterClient root = ScatterClient.create();
 * try (ScatterLeaf leaf = ScatterLeaf.builder(root, server).pool("search").shard("s1")
 *         .handler(Query.class, (query, ctx) -> index.search(query, ctx.remaining()))
 *         .start()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Roots that find leaves by DNS or a static list do not need the registration; the endpoint is the
 * same. Thread-safe.
 */
public final class ScatterLeaf implements AutoCloseable {
    /** Path prefix of leaf endpoints; the pool name follows. */
    public static final String PATH_PREFIX = Wire.LEAF_PATH_PREFIX;

    private final String pool;
    private final String shard;
    private final String leafId;
    private final URI url;
    private final Duration ttl;
    private final EndpointHost.Mount mount;
    private final LeafRegistration registration;
    private final ScheduledThreadPoolExecutor heartbeats;
    private final ScheduledThreadPoolExecutor deadlines;
    private final boolean register;
    /** What {@link Builder#lifecycle} registered; removed once the application closes the leaf. */
    private volatile Lifecycle.Registration lifecycleRegistration = () -> { };

    private ScatterLeaf(Builder b, LeafEndpoint<?, ?> endpoint, String leafId, ScheduledThreadPoolExecutor heartbeats,
            ScheduledThreadPoolExecutor deadlines) {
        this.pool = b.pool;
        this.shard = b.shard;
        this.leafId = leafId;
        this.ttl = b.ttl;
        this.heartbeats = heartbeats;
        this.deadlines = deadlines;
        String path = b.path != null ? b.path : PATH_PREFIX + b.pool;
        this.url = URI.create(b.server.baseUrl() + path);
        this.mount = b.server.mount(path, endpoint);
        this.registration = new LeafRegistration(b.client.transport(), pool, leafId, shard, url, ttl);
        this.register = b.register;
        if (register) {
            registration.start(heartbeats);
        }
    }

    /**
     * @param client the root sidecar's client (for registration); not null
     * @param server where the endpoint is served: a running {@link ManagementServer}, or the application's web server
     *     through an {@link EndpointHost} adapter; its {@link EndpointHost#baseUrl()} plus the path is the URL
     *     registered with the root; not null
     * @return a builder
     */
    public static Builder builder(ScatterClient client, EndpointHost server) {
        return new Builder(Objects.requireNonNull(client, "client"), Objects.requireNonNull(server, "server"));
    }

    /** @return the pool */
    public String pool() {
        return pool;
    }

    /** @return the shard this leaf serves */
    public String shard() {
        return shard;
    }

    /** @return this leaf's id in the pool */
    public String leafId() {
        return leafId;
    }

    /** @return the URL the root calls (registered as the leaf's {@code url}) */
    public URI url() {
        return url;
    }

    /** @return the registration's time to live */
    public Duration ttl() {
        return ttl;
    }

    /**
     * @return true when the root sidecar acknowledged a registration less than a ttl ago (always false when
     *     registration was switched off)
     */
    public boolean isRegistered() {
        return registration.isRegistered();
    }

    /**
     * Leaves the pool: stops heartbeating, deregisters ({@code DELETE}, unless registration was switched
     * off; a failure is logged, and the registration then lapses within the ttl), and unmounts the endpoint
     * (calls in progress finish). A leaf built with a {@link Builder#lifecycle lifecycle} then leaves it (its drain step
     * and info go). Idempotent; does not close the server or the client.
     */
    @Override
    public void close() {
        leave();
        lifecycleRegistration.close();
    }

    /** {@link #close()}, staying in the lifecycle: the drain step the lifecycle runs. */
    private void leave() {
        if (register) {
            registration.close();
        }
        mount.close();
        heartbeats.shutdownNow();
        deadlines.shutdownNow();
    }

    @Override
    public String toString() {
        return "ScatterLeaf{pool=" + pool + ", shard=" + shard + ", leafId=" + leafId + ", url=" + url + '}';
    }

    /** Builder of {@link ScatterLeaf}. Not thread-safe; setters validate at once. */
    public static final class Builder {
        private final ScatterClient client;
        private final EndpointHost server;
        private String pool;
        private String shard;
        private String leafId;
        private String path;
        private Duration ttl = Duration.ofMillis(Wire.DEFAULT_LEAF_TTL_MS);
        private boolean register = true;
        private Class<?> requestType;
        private LeafHandler<?, ?> handler;
        private Lifecycle lifecycle;

        private Builder(ScatterClient client, EndpointHost server) {
            this.client = client;
            this.server = server;
        }

        /**
         * @param pool the pool, 1 to 128 letters, digits, {@code .}, {@code _} or {@code -}; required
         * @return this builder
         */
        public Builder pool(String pool) {
            this.pool = Arguments.pool(pool);
            return this;
        }

        /**
         * @param shard the shard this leaf serves, 1 to 253 letters, digits, {@code .}, {@code _}, {@code :},
         *     {@code @} or {@code -}, starting alphanumeric; required
         * @return this builder
         */
        public Builder shard(String shard) {
            this.shard = Arguments.id("shard", shard);
            return this;
        }

        /**
         * @param leafId this replica's id in the pool, same alphabet as shards; default
         *     {@code <host name>-<server port>} (in Kubernetes the pod name), unique per process on a host
         * @return this builder
         */
        public Builder leafId(String leafId) {
            this.leafId = Arguments.id("leafId", leafId);
            return this;
        }

        /**
         * @param path the endpoint's path on the server; default {@code /patternkit/leaf/<pool>}
         *     (the same on every replica, which DNS discovery relies on)
         * @return this builder
         */
        public Builder path(String path) {
            Objects.requireNonNull(path, "path");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path must start with '/', got '" + path + "'");
            }
            this.path = path;
            return this;
        }

        /**
         * @param ttl how long a registration lives without a heartbeat, 1 s to 300 s (ms precision); default
         *     10 s. Heartbeats go every ttl/3.
         * @return this builder
         */
        public Builder ttl(Duration ttl) {
            Objects.requireNonNull(ttl, "ttl");
            if (ttl.toMillis() < Wire.MIN_LEAF_TTL_MS || ttl.toMillis() > Wire.MAX_LEAF_TTL_MS) {
                throw new IllegalArgumentException("ttl must be 1 s to 300 s, got " + ttl);
            }
            this.ttl = ttl;
            return this;
        }

        /**
         * @param register false to serve without registering (the root finds the leaf by DNS or a static
         *     list); default true
         * @return this builder
         */
        public Builder register(boolean register) {
            this.register = register;
            return this;
        }

        /**
         * @param requestType the type the scatter request is read as (Jackson); not null
         * @param handler turns a request into this shard's part; not null
         * @param <Q> the request type
         * @return this builder
         */
        public <Q> Builder handler(Class<Q> requestType, LeafHandler<Q, ?> handler) {
            this.requestType = Objects.requireNonNull(requestType, "requestType");
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Mounts the endpoint and starts registering (the first registration is attempted at once, in the
         * background; see {@link ScatterLeaf#isRegistered()}).
         *
         * @return the running leaf
         * @throws IllegalStateException when pool, shard or handler is missing, the server is not running,
         *     the path is already served, or the {@linkplain #lifecycle lifecycle} has begun draining (the leaf is then
         *     closed again: unmounted, and out of its pool)
         */
        public ScatterLeaf start() {
            if (pool == null || shard == null || handler == null) {
                throw new IllegalStateException("a leaf needs pool(...), shard(...) and handler(...)");
            }
            if (!server.isRunning()) {
                throw new IllegalStateException("start the server (" + server + ") before the leaf: its URL goes "
                        + "into the leaf's registration");
            }
            String id = leafId != null ? leafId : defaultLeafId(server.baseUrl().getPort());
            // Two threads: a heartbeat blocks its thread for up to the client's call timeout while the root is slow or
            // away, and the calls' deadline cancellations must not wait behind it.
            ScheduledThreadPoolExecutor heartbeats = scheduler("patternkit-scatter-leaf-" + pool + "-" + shard);
            ScheduledThreadPoolExecutor deadlines = scheduler("patternkit-scatter-leaf-" + pool + "-" + shard + "-deadlines");
            ScatterLeaf leaf;
            try {
                leaf = new ScatterLeaf(this, endpoint(id, deadlines), id, heartbeats, deadlines);
            } catch (RuntimeException e) {
                heartbeats.shutdownNow();
                deadlines.shutdownNow();
                throw e;
            }
            if (lifecycle != null) {
                String name = "leaf " + id + " of pool " + pool;
                try {
                    leaf.lifecycleRegistration = Lifecycle.Registration.of(
                            lifecycle.register(DrainPhase.LEAVE_POOLS, name, budget -> leaf.leave()),
                            lifecycle.registerInfo(name, () -> Map.of("pool", leaf.pool(), "shard", leaf.shard(), "leafId",
                                    leaf.leafId(), "url", leaf.url().toString(), "registered", leaf.isRegistered())));
                } catch (RuntimeException e) { // a drain has begun: nobody could close a leaf that is not returned
                    leaf.close();
                    throw e;
                }
            }
            return leaf;
        }

        /**
         * Joins the application's drain: the leaf {@linkplain ScatterLeaf#close() leaves its pool} in
         * {@link DrainPhase#LEAVE_POOLS}, so that the root stops sending it shards before the app exits.
         *
         * @param lifecycle the application's lifecycle; default none (close the leaf yourself)
         * @return this builder
         */
        public Builder lifecycle(Lifecycle lifecycle) {
            this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
            return this;
        }

        private static ScheduledThreadPoolExecutor scheduler(String threadName) {
            ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, DaemonThreads.named(threadName));
            scheduler.setRemoveOnCancelPolicy(true);
            return scheduler;
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private LeafEndpoint<?, ?> endpoint(String id, ScheduledThreadPoolExecutor scheduler) {
            return new LeafEndpoint(pool, shard, id, requestType, (LeafHandler) handler, scheduler,
                    client.config().meterRegistry());
        }

        private static String defaultLeafId(int port) {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "leaf";
            }
            String id = (host + "-" + port).replaceAll("[^A-Za-z0-9._:@-]", "-");
            if (!Character.isLetterOrDigit(id.charAt(0))) {
                id = "l" + id;
            }
            return id.length() > 253 ? id.substring(id.length() - 253) : id;
        }
    }
}

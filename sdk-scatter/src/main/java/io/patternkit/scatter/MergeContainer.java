package io.patternkit.scatter;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.patternkit.management.EndpointHost;
import io.patternkit.management.ManagementServer;
import io.patternkit.scatter.internal.MergeEndpoint;
import java.net.URI;
import java.util.Objects;

/**
 * A merge container in Java: serves the root sidecar's merge call (the contract's {@code merge}
 * operation) on the application's {@link ManagementServer}, so that any root, called from any language,
 * can hand a scatter's parts to this code by naming {@link #url()} as the scatter's
 * {@link ScatterOptions#mergeUrl()}. The paper's scatter/gather pattern lets the merge run in its own
 * container; this is that container's Java side, as {@link ScatterLeaf} is the leaf's.
 *
 * <pre>{@code
 * ManagementServer server = ManagementServer.builder().fromEnvironment().build().start();
 * try (MergeContainer merge = MergeContainer.builder(server)
 *         .handler(Query.class, Hits.class, input -> topTen(input.parts().values()))
 *         .start()) {
 *     GatherResult<Hits> r = client.scatterMerged("search", query, Hits.class,
 *             ScatterOptions.builder().mergeUrl(merge.url()).build());
 * }
 * }</pre>
 *
 * <p>Calls that cannot be read answer 400 {@code invalid-request}, a handler that throws answers 500
 * {@code merge-failed} (the root then reports {@code mergeError}), other methods 405; calls carry the
 * server's API token when it has one, as the root sends its own. Meter {@link ScatterMetrics#MERGE_CALLS}.
 * Thread-safe.
 */
public final class MergeContainer implements AutoCloseable {
    /** The default path of the merge endpoint, the contract's example path. */
    public static final String DEFAULT_PATH = "/patternkit/merge";

    private final URI url;
    private final EndpointHost.Mount mount;

    private MergeContainer(URI url, EndpointHost.Mount mount) {
        this.url = url;
        this.mount = mount;
    }

    /**
     * @param server where the endpoint is served: a running {@link ManagementServer}, or the application's web server
     *     through an {@link EndpointHost} adapter (the Spring Boot starter's); not null
     * @return a builder
     */
    public static Builder builder(EndpointHost server) {
        return new Builder(Objects.requireNonNull(server, "server"));
    }

    /** @return the URL a scatter names as its {@code mergeUrl} */
    public URI url() {
        return url;
    }

    /** Stops serving the endpoint (calls in progress finish). Idempotent; does not close the server. */
    @Override
    public void close() {
        mount.close();
    }

    @Override
    public String toString() {
        return "MergeContainer{url=" + url + '}';
    }

    /** Builder of a {@link MergeContainer}. Not thread-safe. */
    public static final class Builder {
        private final EndpointHost server;
        private String path = DEFAULT_PATH;
        private Class<?> requestType;
        private Class<?> partType;
        private MergeHandler<?, ?, ?> handler;
        private MeterRegistry meterRegistry = Metrics.globalRegistry;

        private Builder(EndpointHost server) {
            this.server = server;
        }

        /**
         * @param path where the endpoint is mounted, starting with {@code /}; default {@value #DEFAULT_PATH}.
         *     Give each merge container on one server its own path.
         * @return this builder
         */
        public Builder path(String path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /**
         * @param requestType the type the scatter request is read as (Jackson); not null
         * @param partType the type each answered part is read as (Jackson); not null
         * @param handler merges the parts; not null
         * @param <Q> the request type
         * @param <P> the part type
         * @return this builder
         */
        public <Q, P> Builder handler(Class<Q> requestType, Class<P> partType, MergeHandler<Q, P, ?> handler) {
            this.requestType = Objects.requireNonNull(requestType, "requestType");
            this.partType = Objects.requireNonNull(partType, "partType");
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * @param meterRegistry where {@link ScatterMetrics#MERGE_CALLS} goes; default Micrometer's global
         *     registry
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /**
         * Mounts the endpoint.
         *
         * @return the running merge container
         * @throws IllegalStateException when no handler was given, the server is not running, or the path is
         *     already served
         * @throws IllegalArgumentException when the path is not a plain absolute path
         */
        public MergeContainer start() {
            if (handler == null) {
                throw new IllegalStateException("a merge container needs handler(...)");
            }
            if (!server.isRunning()) {
                throw new IllegalStateException("start the server (" + server + ") before the merge container: its "
                        + "URL goes into the container's");
            }
            URI url = URI.create(server.baseUrl() + path); // first: a path that makes no URL leaves nothing mounted
            return new MergeContainer(url, server.mount(path, endpoint()));
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private MergeEndpoint<?, ?> endpoint() {
            return new MergeEndpoint(requestType, partType, (MergeHandler) handler, meterRegistry);
        }
    }
}

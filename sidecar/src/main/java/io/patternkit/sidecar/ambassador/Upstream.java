package io.patternkit.sidecar.ambassador;

import io.patternkit.sidecar.common.ConnectionAttempts;
import io.patternkit.sidecar.common.Ticker;
import io.patternkit.sidecar.host.InstanceDirectory;
import io.patternkit.sidecar.host.Responses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One upstream, live: its loopback listener, the HTTP client and reverse proxy behind it, and its
 * current {@link RoutingTable}, which a reload replaces without dropping a request.
 */
final class Upstream {
    /** Where every upstream listens: the app's own loopback, never the pod's network. */
    static final String LOOPBACK = "127.0.0.1";
    /**
     * How long an app's connection may carry no byte before the listener closes it. The connection sits silent while
     * the upstream works on a request, for up to the upstream's {@code timeout}, which a reload may raise to just under
     * {@link UpstreamSpec#MAX_TIMEOUT} on a listener that cannot change its options, so it is longer than any
     * {@code timeout}: an hour and a margin, about Envoy's default idle timeout for downstream connections (one hour).
     */
    static final Duration LISTENER_IDLE_TIMEOUT = UpstreamSpec.MAX_TIMEOUT.plusSeconds(5);

    private final String name;
    /** The port bound: the configured one, or the one the system chose for port 0 once listening. */
    private volatile int port;
    private final UpstreamSpec started;
    private final HttpClient client;
    private final HttpServer server;
    private final Map<URI, Endpoint> endpoints = new HashMap<>();
    private final EndpointResolver resolver;
    private final Ticker ticker;
    private UpstreamSpec configured;
    private Map<URI, List<URI>> resolved;
    private volatile RoutingTable table;

    private Upstream(UpstreamSpec spec, Optional<Path> ca, InstanceDirectory directory, Vertx vertx, AmbassadorMetrics metrics,
                     Responses responses, Ticker ticker) {
        this.resolver = new EndpointResolver(directory);
        this.ticker = ticker;
        this.name = spec.name();
        this.port = spec.port();
        this.started = spec;
        this.configured = spec;
        this.resolved = resolver.resolve(spec);
        this.table = RoutingTable.of(spec, endpoints, resolved, ticker);
        HttpClientOptions options = ConnectionAttempts.bound(new HttpClientOptions().setKeepAlive(true)
                .setName("ambassador-" + name).setVerifyHost(true), spec.connectTimeout());
        ca.ifPresent(file -> options.setTrustOptions(new PemTrustOptions().addCertPath(file.toString())));
        this.client = vertx.createHttpClient(options,
                new PoolOptions().setHttp1MaxSize(spec.maxConnectionsPerEndpoint()));
        UpstreamProxy routing = new UpstreamProxy(this, metrics, responses, ticker, vertx);
        // WebSocket upgrades are not proxied (the routing does not apply to them); they get a plain answer.
        HttpProxy proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(false), client).origin(routing)
                .addInterceptor(routing);
        // HTTP/1.1 only: over an h2c upgrade a body without Content-Length reached the proxy as an empty one. A client
        // that sends Expect: 100-continue gets its 100 at once, as the body is what the routing reads first.
        this.server = vertx.createHttpServer(new HttpServerOptions().setHost(LOOPBACK).setPort(port)
                .setHttp2ClearTextEnabled(false).setHandle100ContinueAutomatically(true)
                .setIdleTimeout((int) LISTENER_IDLE_TIMEOUT.toSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS)).requestHandler(proxy);
    }

    /**
     * Opens the upstream's listener, having resolved its {@code dns+} endpoints (blocking).
     *
     * @param spec the upstream
     * @param ca the authorities trusted for its https endpoints, or empty for the JVM's
     * @param directory the instances other patterns publish, for {@code registry://} endpoints
     * @param vertx the host's Vert.x
     * @param metrics the ambassador's meters
     * @param responses the problem writer
     * @param ticker the clock of timeouts
     * @return the listening upstream; fails when the port cannot be bound
     */
    static Future<Upstream> listen(UpstreamSpec spec, Optional<Path> ca, InstanceDirectory directory, Vertx vertx,
                                   AmbassadorMetrics metrics, Responses responses, Ticker ticker) {
        Upstream upstream = new Upstream(spec, ca, directory, vertx, metrics, responses, ticker);
        metrics.watch(upstream);
        return upstream.server.listen().map(server -> {
                    upstream.port = server.actualPort();
                    return upstream;
                })
                .recover(e -> Future.failedFuture(new IllegalStateException("upstream " + spec.name() + ": cannot listen on "
                        + LOOPBACK + ":" + spec.port() + ": " + e.getMessage(), e)));
    }

    /** @return the upstream's name */
    String name() {
        return name;
    }

    /**
     * @return the configuration its listener and client were made with, whose {@code port},
     *     {@code maxConnectionsPerEndpoint} and {@code connectTimeout} hold until a restart
     */
    UpstreamSpec started() {
        return started;
    }

    /** @return the loopback port it listens on (the one chosen for a configured 0, once listening) */
    int port() {
        return port;
    }

    /** @return the routing table requests now start with */
    RoutingTable table() {
        return table;
    }

    /**
     * Routes new requests by a new configuration of the same upstream; requests under way finish
     * with the one they started with. Endpoints that stay keep their breakers and counters. Blocks
     * while {@code dns+} endpoints are resolved: call it on a worker thread.
     *
     * @param spec the new configuration, of the same name and port
     */
    synchronized void update(UpstreamSpec spec) {
        configured = spec;
        rebuild(resolver.resolve(spec));
    }

    /**
     * Resolves the {@code dns+} and {@code registry} endpoints again and routes by what they stand for now, when that
     * changed. Blocks: call it on a worker thread.
     *
     * @return whether the endpoints changed
     */
    synchronized boolean refresh() {
        if (!configured.usesDiscovery()) {
            return false;
        }
        Map<URI, List<URI>> now = resolver.resolve(configured);
        if (now.equals(resolved)) {
            return false;
        }
        rebuild(now);
        return true;
    }

    private void rebuild(Map<URI, List<URI>> nowResolved) {
        Map<URI, Endpoint> kept = new HashMap<>(endpoints);
        RoutingTable next = RoutingTable.of(configured, kept, nowResolved, ticker);
        endpoints.clear();
        next.versions().forEach(v -> v.shards().forEach(s -> s.endpoints().forEach(e -> endpoints.put(e.url(), e))));
        resolved = nowResolved;
        table = next;
    }

    /** @return endpoints of every version whose circuit is open now */
    double ejectedEndpoints() {
        return table.versions().stream().flatMap(v -> v.shards().stream()).mapToLong(Replicas::ejected).sum();
    }

    /**
     * @param responses the JSON writer
     * @return the upstream's state for {@code GET /v1/ambassador/upstreams}
     */
    ObjectNode status(Responses responses) {
        RoutingTable now = table;
        ObjectNode body = responses.object().put("name", name).put("port", port)
                .put("shardKey", now.spec().shardKey().toString())
                .put("tryTimeoutMs", now.spec().tryTimeout().toMillis()).put("timeoutMs", now.spec().timeout().toMillis())
                .put("maxAttempts", now.spec().maxAttempts()).put("retryBudgetPercent", now.spec().retryBudgetPercent());
        ArrayNode versions = body.putArray("versions");
        for (RoutingTable.Version version : now.versions()) {
            ObjectNode v = versions.addObject().put("name", version.name()).put("percent", version.percent());
            ArrayNode shards = v.putArray("shards");
            for (Replicas shard : version.shards()) {
                ArrayNode eps = shards.addObject().put("name", shard.shard()).putArray("endpoints");
                for (Endpoint e : shard.endpoints()) {
                    eps.addObject().put("url", e.url().toString()).put("state", e.state()).put("outstanding", e.outstanding())
                            .put("attempts", e.attempts()).put("failures", e.failures());
                }
            }
        }
        return body;
    }

    /**
     * Stops taking requests: the listener closes once the requests under way are answered or
     * {@code grace} has passed.
     *
     * @param grace the longest wait for requests under way
     * @return completes when the listener has closed
     */
    Future<Void> shutdown(Duration grace) {
        return server.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes the listener and the client's connections at once. */
    void close() {
        server.close();
        client.close();
    }
}

package io.patternkit.sidecar.scatter;

import io.patternkit.protocol.LeafSource;
import io.patternkit.protocol.NameRule;
import io.patternkit.sidecar.common.ConnectionAttempts;
import io.patternkit.sidecar.common.JsonMappers;
import io.patternkit.sidecar.common.JvmDns;
import io.patternkit.sidecar.host.OutboundToken;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Finds leaves by DNS: every {@code interval}, resolves each {@link DnsLeaves} name (off the event
 * loop, through the JVM resolver, so {@code /etc/hosts} and search domains apply), asks every
 * address its shard and leaf id ({@code GET} leaf info, with the token) and replaces the pool's
 * DNS leaves with those that answered for the right pool. An address that does not answer is left
 * out until it does; a name that does not resolve leaves the pool's DNS leaves as they were.
 */
public final class DnsDiscovery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DnsDiscovery.class);
    private static final long INFO_TIMEOUT_MS = 2_000;
    /** The most one address's info exchange may take, from connecting to the answer's last byte. */
    private static final long EXCHANGE_TIMEOUT_MS = 5_000;
    private static final int MAX_INFO_BYTES = 16 * 1024;

    private final Vertx vertx;
    private final LeafRegistry registry;
    private final Map<String, List<DnsLeaves>> byPool = new LinkedHashMap<>();
    private final OutboundToken token;
    private final HttpClientAgent client;
    private final LeafTls tls;
    private final JsonMapper mapper = JsonMappers.standard();
    private long timer = -1;
    /** The round under way or last ended; a tick while it is under way starts none (rounds would overlap). */
    private volatile Future<Void> round = Future.succeededFuture();

    /**
     * Creates the discovery; call {@link #start} to run it.
     *
     * @param vertx the Vert.x instance
     * @param registry where found leaves go
     * @param names the DNS names to resolve
     * @param token the API token as sent with leaf info requests (never in clear over a network)
     * @param tls how leaves found with {@code https} are verified
     */
    public DnsDiscovery(Vertx vertx, LeafRegistry registry, List<DnsLeaves> names, OutboundToken token, LeafTls tls) {
        this.vertx = vertx;
        this.registry = registry;
        this.token = token;
        this.tls = tls;
        this.client = vertx.createHttpClient(tls.applyTo(ConnectionAttempts.bound(new HttpClientOptions(),
                Duration.ofMillis(INFO_TIMEOUT_MS))));
        names.forEach(n -> byPool.computeIfAbsent(n.pool(), p -> new ArrayList<>()).add(n));
    }

    /**
     * Resolves now and then every {@code interval}.
     *
     * @param interval how often to re-resolve
     * @return completes after the first round
     */
    public Future<Void> start(Duration interval) {
        if (byPool.isEmpty()) {
            return Future.succeededFuture();
        }
        round = refresh();
        timer = vertx.setPeriodic(interval.toMillis(), t -> {
            if (round.isComplete()) {
                round = refresh();
            }
        });
        return round;
    }

    /** @return completes when every pool has been resolved once more */
    public Future<Void> refresh() {
        List<Future<Void>> rounds = new ArrayList<>();
        byPool.forEach((pool, names) -> rounds.add(refresh(pool, names)));
        return Future.join(rounds).mapEmpty();
    }

    private Future<Void> refresh(String pool, List<DnsLeaves> names) {
        List<Future<List<Leaf>>> found = new ArrayList<>();
        for (DnsLeaves name : names) {
            found.add(vertx.executeBlocking(() -> JvmDns.resolve(name.host()))
                    .compose(addresses -> {
                        List<Future<Optional<Leaf>>> infos = new ArrayList<>();
                        for (InetAddress address : addresses) {
                            infos.add(info(name, address));
                        }
                        return Future.join(infos).map(v -> infos.stream().map(Future::result)
                                .flatMap(Optional::stream).toList());
                    }));
        }
        return Future.all(found).map(all -> {
            List<Leaf> leaves = new ArrayList<>();
            found.forEach(f -> leaves.addAll(f.result()));
            registry.replaceDiscovered(pool, leaves);
            LOG.debug("DNS found {} leaf(s) for pool {}", leaves.size(), pool);
            return (Void) null;
        }).recover(e -> {
            LOG.warn("DNS discovery of pool {} failed, keeping the leaves found before: {}", pool, e.getMessage());
            return Future.succeededFuture();
        });
    }

    private Future<Optional<Leaf>> info(DnsLeaves name, InetAddress address) {
        String url = name.scheme() + "://" + JvmDns.urlHost(address) + ":" + name.port() + name.path();
        RequestOptions options = tls.target(new RequestOptions().setMethod(HttpMethod.GET), url)
                .setTimeout(INFO_TIMEOUT_MS).putHeader("Accept", "application/json");
        try {
            token.authorizationFor(url).ifPresent(value -> options.putHeader("Authorization", value));
        } catch (IllegalStateException refused) {
            return Future.failedFuture(refused);
        }
        Promise<Optional<Leaf>> leaf = Promise.promise();
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        // The whole exchange, headers included, within EXCHANGE_TIMEOUT_MS: the request's own timeout is one of
        // silence, which an address that sends a byte now and then never reaches, and a round waits for every address.
        long deadline = vertx.setTimer(EXCHANGE_TIMEOUT_MS, t -> {
            if (leaf.tryComplete(Optional.empty()) && sent.get() != null) {
                sent.get().reset();
            }
        });
        client.request(options).compose(req -> {
            sent.set(req);
            return req.send().compose(resp -> {
                if (resp.statusCode() != 200) {
                    req.reset(); // its body is not read
                    return Future.succeededFuture(Optional.<Leaf>empty());
                }
                return cappedBody(req, resp).map(body -> parse(name, url, body));
            });
        }).onComplete(done -> {
            vertx.cancelTimer(deadline);
            leaf.tryComplete(done.succeeded() ? done.result() : Optional.empty());
        });
        return leaf.future();
    }

    /** The leaf an info answer names, if it names one of the pool with a valid shard and leaf id. */
    private Optional<Leaf> parse(DnsLeaves name, String url, Buffer body) {
        try {
            JsonNode info = mapper.readTree(body.getBytes());
            String pool = info.path("pool").asString("");
            String shard = info.path("shard").asString("");
            String leafId = info.path("leafId").asString("");
            if (!pool.equals(name.pool()) || !NameRule.SHARD.matches(shard) || !NameRule.LEAF_ID.matches(leafId)) {
                return Optional.empty();
            }
            return Optional.of(new Leaf(pool, shard, leafId, url, LeafSource.DNS, Long.MAX_VALUE));
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    /**
     * The answer's body, read as it comes: fails, and resets the request so that nothing more is read, once it passes
     * {@link #MAX_INFO_BYTES}.
     */
    private static Future<Buffer> cappedBody(HttpClientRequest request, HttpClientResponse response) {
        Promise<Buffer> body = Promise.promise();
        Buffer received = Buffer.buffer();
        response.exceptionHandler(body::tryFail);
        response.handler(chunk -> {
            if (received.length() + (long) chunk.length() > MAX_INFO_BYTES) {
                if (body.tryFail("an answer larger than " + MAX_INFO_BYTES + " bytes")) {
                    request.reset();
                }
            } else {
                received.appendBuffer(chunk);
            }
        });
        response.endHandler(v -> body.tryComplete(received));
        return body.future();
    }

    /** Stops re-resolving. */
    @Override
    public void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        client.close();
    }
}

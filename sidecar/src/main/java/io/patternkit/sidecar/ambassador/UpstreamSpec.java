package io.patternkit.sidecar.ambassador;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.patternkit.protocol.NameRule;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One upstream as the ambassador serves it: the loopback port the app calls, the shards the
 * requests are spread over by their {@link ShardKey}, an optional canary version that takes a share
 * of the traffic, and the resilience settings (per-try and overall timeouts, retries within a
 * budget, outlier ejection). Read from the {@code --ambassador-config} file (one element of its
 * {@code upstreams}) or the compact {@code --upstream} option; every member but {@code name},
 * {@code port} and {@code shards} has a default, and a value out of range fails with a sentence
 * naming the member.
 *
 * @param name the upstream's name, a DNS-1123 label ({@link NameRule#UPSTREAM}); names metrics and routes
 * @param port the loopback port the app calls, 1 to 65535; 0 for one the system chooses at start (tests: the log and
 *     {@code GET /v1/ambassador/upstreams} say which)
 * @param shardKey where requests carry their shard's key; {@link ShardKey#NONE} only with one shard
 * @param shards the stable version's shards, at least one, with unique names
 * @param canary the canary version, if any
 * @param tryTimeout how long one attempt may go without a byte from its endpoint, 1 ms to 1 h (default 5 s)
 * @param timeout the whole request's budget across attempts, at least {@code tryTimeout} (default 15 s);
 *     what remains is sent downstream in {@code Patternkit-Deadline-Ms}
 * @param maxAttempts attempts per request, first one included, 1 to 10 (default 3)
 * @param retryBudgetPercent retries allowed as a share of first attempts, 0 to 100 (default 20)
 * @param retryBurst retries allowed within any 10 s beyond the percentage of that window's first
 *     attempts, at least 1 (default 10; the reserve of {@link io.patternkit.sidecar.common.ExtraLoadBudget})
 * @param ejection when an endpoint is ejected (its circuit opened) and for how long
 * @param maxConnectionsPerEndpoint pooled connections per endpoint, 1 to 10,000 (default 64)
 * @param connectTimeout how long a TCP connect to an endpoint may take, and then its TLS handshake, each; 1 ms to 1 h (default 2 s,
 *     time for one lost SYN to be sent again; Envoy's cluster {@code connect_timeout}); an attempt holds one of the
 *     endpoint's {@code maxConnectionsPerEndpoint} places until it ends, whatever the request's own timeouts
 * @param hedging hedged requests for idempotent requests whose body is replayable; empty (the default) for none
 * @param mirror a shadow upstream that gets a copy of a share of the requests whose body is replayable; empty (the
 *     default) for none
 * @param maxBufferedBodyBytes a request body of at most this many bytes, with a {@code Content-Length}, is read
 *     whole before the first attempt, so that it can be sent again (retries and hedges of idempotent requests) and
 *     copied (mirroring); a larger body, or one of unknown length, streams through once. 0 to 16 MiB (default 64 KiB,
 *     as Envoy buffers a request for retries up to its connection buffer limit); 0 streams every body
 */
public record UpstreamSpec(String name, int port, ShardKey shardKey, List<Shard> shards, Optional<Canary> canary,
                           Duration tryTimeout, Duration timeout, int maxAttempts, double retryBudgetPercent,
                           int retryBurst, Ejection ejection, int maxConnectionsPerEndpoint, Duration connectTimeout,
                           Optional<Hedging> hedging, Optional<Mirror> mirror, int maxBufferedBodyBytes) {
    /** The longest {@code timeout} a configuration may give (exclusive): one hour. */
    static final Duration MAX_TIMEOUT = Duration.ofHours(1);

    /**
     * Checks the upstream as a whole.
     *
     * @param name the upstream's name, a DNS-1123 label ({@link NameRule#UPSTREAM}); names metrics and routes
     * @param port the loopback port the app calls, 1 to 65535; 0 for one the system chooses at start
     * @param shardKey where requests carry their shard's key; {@link ShardKey#NONE} only with one shard
     * @param shards the stable version's shards, at least one, with unique names
     * @param canary the canary version, if any
     * @param tryTimeout how long one attempt may go without a byte from its endpoint, 1 ms to 1 h (default 5 s)
     * @param timeout the whole request's budget across attempts, at least {@code tryTimeout} (default 15 s);
     *     what remains is sent downstream in {@code Patternkit-Deadline-Ms}
     * @param maxAttempts attempts per request, first one included, 1 to 10 (default 3)
     * @param retryBudgetPercent retries allowed as a share of first attempts, 0 to 100 (default 20)
     * @param retryBurst retries allowed within any 10 s beyond the percentage of that window's first
     *     attempts, at least 1 (default 10; the reserve of {@link io.patternkit.sidecar.common.ExtraLoadBudget})
     * @param ejection when an endpoint is ejected (its circuit opened) and for how long
     * @param maxConnectionsPerEndpoint pooled connections per endpoint, 1 to 10,000 (default 64)
     * @param connectTimeout how long a TCP connect to an endpoint may take, and then its TLS handshake, each; 1 ms to 1 h (default 2 s,
     *     time for one lost SYN to be sent again; Envoy's cluster {@code connect_timeout}); an attempt holds one of the
     *     endpoint's {@code maxConnectionsPerEndpoint} places until it ends, whatever the request's own timeouts
     * @param hedging hedged requests for idempotent requests whose body is replayable; empty (the default) for none
     * @param mirror a shadow upstream that gets a copy of a share of the requests whose body is replayable; empty (the
     *     default) for none
     * @param maxBufferedBodyBytes a request body of at most this many bytes, with a {@code Content-Length}, is read
     *     whole before the first attempt, so that it can be sent again (retries and hedges of idempotent requests) and
     *     copied (mirroring); a larger body, or one of unknown length, streams through once. 0 to 16 MiB (default 64 KiB,
     *     as Envoy buffers a request for retries up to its connection buffer limit); 0 streams every body
     * @throws IllegalArgumentException when a member is out of range, saying which
     */
    public UpstreamSpec {
        require(NameRule.UPSTREAM.matches(name), "name '" + name + "': " + NameRule.UPSTREAM.requirement());
        String at = "upstream " + name + ": ";
        require(port >= 0 && port <= 65535, at + "port must be 1 to 65535, or 0 for one the system chooses");
        require(shards != null && !shards.isEmpty(), at + "shards must name at least one shard");
        shards = List.copyOf(shards);
        canary = canary == null ? Optional.empty() : canary;
        hedging = hedging == null ? Optional.empty() : hedging;
        mirror = mirror == null ? Optional.empty() : mirror;
        require(shardKey != ShardKey.NONE || (shards.size() == 1 && canary.map(c -> c.shards().size() == 1).orElse(true)),
                at + "shardKey is needed with more than one shard");
        unique(shards, at + "shards");
        canary.ifPresent(c -> unique(c.shards(), at + "canary.shards"));
        require(!tryTimeout.isNegative() && tryTimeout.toMillis() >= 1 && tryTimeout.toHours() < 1, at + "tryTimeout must be 1ms to 1h");
        require(timeout.compareTo(tryTimeout) >= 0 && timeout.compareTo(MAX_TIMEOUT) < 0, at + "timeout must be at least tryTimeout and under 1h");
        require(maxAttempts >= 1 && maxAttempts <= 10, at + "maxAttempts must be 1 to 10");
        require(retryBudgetPercent >= 0 && retryBudgetPercent <= 100, at + "retryBudgetPercent must be 0 to 100");
        require(retryBurst >= 1, at + "retryBurst must be at least 1");
        require(maxConnectionsPerEndpoint >= 1 && maxConnectionsPerEndpoint <= 10_000, at + "maxConnectionsPerEndpoint must be 1 to 10000");
        require(connectTimeout.compareTo(Duration.ofMillis(1)) >= 0 && connectTimeout.compareTo(MAX_TIMEOUT) < 0,
                at + "connectTimeout must be 1ms to 1h");
        require(maxBufferedBodyBytes >= 0 && maxBufferedBodyBytes <= 16 * 1024 * 1024, at + "maxBufferedBodyBytes must be 0 to 16777216");
    }

    /**
     * The upstream as the JSON config spells it; absent members take their defaults.
     *
     * @return the checked upstream
     * @throws IllegalArgumentException when a member is out of range
     */
    @JsonCreator
    static UpstreamSpec fromJson(@JsonProperty(value = "name", required = true) String name,
                                 @JsonProperty(value = "port", required = true) int port,
                                 @JsonProperty("shardKey") String shardKey,
                                 @JsonProperty(value = "shards", required = true) List<Shard> shards,
                                 @JsonProperty("canary") Canary canary,
                                 @JsonProperty("tryTimeout") Duration tryTimeout,
                                 @JsonProperty("timeout") Duration timeout,
                                 @JsonProperty("maxAttempts") Integer maxAttempts,
                                 @JsonProperty("retryBudgetPercent") Double retryBudgetPercent,
                                 @JsonProperty("retryBurst") Integer retryBurst,
                                 @JsonProperty("ejection") Ejection ejection,
                                 @JsonProperty("maxConnectionsPerEndpoint") Integer maxConnectionsPerEndpoint,
                                 @JsonProperty("connectTimeout") Duration connectTimeout,
                                 @JsonProperty("hedging") Hedging hedging,
                                 @JsonProperty("mirror") Mirror mirror,
                                 @JsonProperty("maxBufferedBodyBytes") Integer maxBufferedBodyBytes) {
        return new UpstreamSpec(name, port, shardKey == null ? ShardKey.NONE : ShardKey.parse(shardKey), shards,
                Optional.ofNullable(canary), or(tryTimeout, Duration.ofSeconds(5)), or(timeout, Duration.ofSeconds(15)),
                or(maxAttempts, 3), or(retryBudgetPercent, 20.0), or(retryBurst, 10), or(ejection, Ejection.DEFAULT),
                or(maxConnectionsPerEndpoint, 64), or(connectTimeout, Duration.ofSeconds(2)), Optional.ofNullable(hedging), Optional.ofNullable(mirror),
                or(maxBufferedBodyBytes, 64 * 1024));
    }

    /**
     * The compact form {@code NAME=PORT:URL[,URL...]}: one shard whose replicas are the URLs, every
     * other setting at its default.
     *
     * @param text the option's value
     * @return the upstream
     * @throws IllegalArgumentException when the text is not of that form, saying what is expected
     */
    public static UpstreamSpec parse(String text) {
        int eq = text.indexOf('=');
        int colon = text.indexOf(':', eq + 1);
        require(eq > 0 && colon > eq + 1, "'" + text + "' must be NAME=PORT:URL[,URL...]");
        int port;
        try {
            port = Integer.parseInt(text.substring(eq + 1, colon));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': the port must be a number");
        }
        List<URI> endpoints = List.of(text.substring(colon + 1).split(",")).stream().map(Shard::endpoint).toList();
        return fromJson(text.substring(0, eq), port, null, List.of(new Shard("default", endpoints)), null, null, null,
                null, null, null, null, null, null, null, null, null);
    }

    /** @return whether an endpoint is a {@code dns+} or {@code registry} name, to be resolved again and again */
    boolean usesDiscovery() {
        return allShards().stream().flatMap(s -> s.endpoints().stream()).anyMatch(EndpointResolver::isName);
    }

    /** @return whether an endpoint is a {@code dns+} name */
    boolean usesDns() {
        return allShards().stream().flatMap(s -> s.endpoints().stream()).anyMatch(EndpointResolver::isDns);
    }

    /** @return every shard of every version, stable first */
    List<Shard> allShards() {
        return canary.map(c -> java.util.stream.Stream.concat(shards.stream(), c.shards().stream()).toList()).orElse(shards);
    }

    /**
     * One shard: a name that places it on the hash ring, and its replicas.
     *
     * @param name the shard's name ({@link NameRule#SHARD}); keys stay with it when its endpoints change
     * @param endpoints the replicas' base URLs, {@code http} or {@code https}, at least one, unique;
     *     a path in the URL prefixes every request's path
     */
    public record Shard(String name, List<URI> endpoints) {
        /**
         * Checks the shard.
         *
         * @param name the shard's name ({@link NameRule#SHARD}); keys stay with it when its endpoints change
         * @param endpoints the replicas' base URLs, {@code http} or {@code https}, at least one, unique;
         *     a path in the URL prefixes every request's path
         * @throws IllegalArgumentException when the name or an endpoint is malformed
         */
        public Shard {
            require(NameRule.SHARD.matches(name), "shard name '" + name + "': " + NameRule.SHARD.requirement());
            require(endpoints != null && !endpoints.isEmpty(), "shard " + name + " needs at least one endpoint");
            endpoints = List.copyOf(endpoints);
            require(new HashSet<>(endpoints).size() == endpoints.size(), "shard " + name + " lists an endpoint twice");
        }

        @JsonCreator
        static Shard fromJson(@JsonProperty(value = "name", required = true) String name,
                              @JsonProperty(value = "endpoints", required = true) List<String> endpoints) {
            return new Shard(name, endpoints == null ? List.of() : endpoints.stream().map(Shard::endpoint).toList());
        }

        static URI endpoint(String url) {
            URI uri;
            try {
                uri = new URI(url.trim());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("endpoint '" + url + "' is not a URL: " + e.getReason());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (scheme.equals(EndpointResolver.REGISTRY)) {
                require(uri.getAuthority() != null && NameRule.POOL.matches(uri.getAuthority())
                        && EndpointResolver.registryShard(uri).map(NameRule.SHARD::matches).orElse(true)
                        && uri.getRawQuery() == null && uri.getRawFragment() == null,
                        "endpoint '" + url + "' must be registry://POOL or registry://POOL/SHARD (" + NameRule.POOL.requirement() + ")");
                return uri;
            }
            require(List.of("http", "https", "dns+http", "dns+https").contains(scheme) && uri.getHost() != null
                    && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getUserInfo() == null,
                    "endpoint '" + url + "' must be http[s]://HOST[:PORT][/PATH] or dns+http[s]://NAME[:PORT][/PATH], without user, query"
                    + " or fragment");
            return uri;
        }
    }

    /**
     * A canary version of the upstream: its own shards, and the share of requests it takes.
     *
     * @param percent the share of requests routed to it, 0 to 100 (a request is drawn at random)
     * @param shards its shards, at least one; sharded by the same key as the stable version
     */
    public record Canary(double percent, List<Shard> shards) {
        /**
         * Checks the canary.
         *
         * @param percent the share of requests routed to it, 0 to 100 (a request is drawn at random)
         * @param shards its shards, at least one; sharded by the same key as the stable version
         * @throws IllegalArgumentException when the share or the shards are out of range
         */
        @JsonCreator
        public Canary(@JsonProperty(value = "percent", required = true) double percent,
                      @JsonProperty(value = "shards", required = true) List<Shard> shards) {
            require(percent >= 0 && percent <= 100, "canary.percent must be 0 to 100");
            require(shards != null && !shards.isEmpty(), "canary.shards must name at least one shard");
            this.percent = percent;
            this.shards = List.copyOf(shards);
        }
    }

    /**
     * Traffic mirroring (Envoy's request mirror policy, "shadowing"): a copy of a share of the
     * requests goes to a shadow upstream, such as a new version under test with production traffic,
     * and its answers are thrown away; the app's request never waits for it. Requests whose body is at
     * hand are copied (none, or one of at most {@link #maxBufferedBodyBytes()}; a larger one is streamed
     * once, to the real upstream), those of idempotent methods only unless {@code nonIdempotent} says so:
     * a copied {@code POST} reaches the shadow as a second request, harmless only when the shadow keeps
     * its own state.
     *
     * @param percent the share of requests copied, 0 to 100
     * @param endpoints the shadow's base URLs, at least one, {@code http} or {@code https}; a copy goes to one of them at random
     * @param nonIdempotent whether {@code POST} and {@code PATCH} requests are copied too (default false)
     */
    public record Mirror(double percent, List<URI> endpoints, boolean nonIdempotent) {
        /**
         * Checks the settings.
         *
         * @param percent the share of requests copied, 0 to 100
         * @param endpoints the shadow's base URLs, at least one, {@code http} or {@code https}; a copy goes to one of them at random
         * @param nonIdempotent whether {@code POST} and {@code PATCH} requests are copied too (default false)
         * @throws IllegalArgumentException when one is out of range
         */
        public Mirror {
            require(percent >= 0 && percent <= 100, "mirror.percent must be 0 to 100");
            require(endpoints != null && !endpoints.isEmpty(), "mirror.endpoints must name at least one endpoint");
            endpoints = List.copyOf(endpoints);
            require(endpoints.stream().noneMatch(EndpointResolver::isName), "mirror.endpoints take no dns+ or registry names");
        }

        @JsonCreator
        static Mirror fromJson(@JsonProperty(value = "percent", required = true) double percent,
                               @JsonProperty(value = "endpoints", required = true) List<String> endpoints,
                               @JsonProperty("nonIdempotent") Boolean nonIdempotent) {
            return new Mirror(percent, endpoints == null ? List.of() : endpoints.stream().map(Shard::endpoint).toList(),
                    Boolean.TRUE.equals(nonIdempotent));
        }
    }

    /**
     * Outlier ejection by circuit breaker (resilience4j's count-based window, Envoy's outlier
     * detection in spirit): an endpoint whose failures (connection errors, timeouts, 5xx answers)
     * reach {@code failureRatePercent} of its last {@code window} attempts, once it has had
     * {@code minimumCalls}, is ejected for {@code duration}, then half-open: two trial requests
     * decide whether it is back.
     *
     * @param failureRatePercent the failure rate that ejects, 1 to 100 (default 50)
     * @param window attempts the rate is computed over, at least 1 (default 10)
     * @param minimumCalls attempts needed before the rate counts, 1 to {@code window} (default 3)
     * @param duration how long an ejected endpoint gets no traffic, 1 ms to 1 h (default 10 s)
     */
    public record Ejection(int failureRatePercent, int window, int minimumCalls, Duration duration) {
        /** The defaults: 50 % of the last 10 attempts, at least 3 of them, ejected for 10 s. */
        public static final Ejection DEFAULT = new Ejection(50, 10, 3, Duration.ofSeconds(10));

        /**
         * Checks the settings.
         *
         * @param failureRatePercent the failure rate that ejects, 1 to 100 (default 50)
         * @param window attempts the rate is computed over, at least 1 (default 10)
         * @param minimumCalls attempts needed before the rate counts, 1 to {@code window} (default 3)
         * @param duration how long an ejected endpoint gets no traffic, 1 ms to 1 h (default 10 s)
         * @throws IllegalArgumentException when one is out of range
         */
        public Ejection {
            require(failureRatePercent >= 1 && failureRatePercent <= 100, "ejection.failureRatePercent must be 1 to 100");
            require(window >= 1, "ejection.window must be at least 1");
            require(minimumCalls >= 1 && minimumCalls <= window, "ejection.minimumCalls must be 1 to window");
            require(duration.toMillis() >= 1 && duration.toHours() < 1, "ejection.duration must be 1ms to 1h");
        }

        @JsonCreator
        static Ejection fromJson(@JsonProperty("failureRatePercent") Integer failureRatePercent,
                                 @JsonProperty("window") Integer window,
                                 @JsonProperty("minimumCalls") Integer minimumCalls,
                                 @JsonProperty("duration") Duration duration) {
            return new Ejection(or(failureRatePercent, DEFAULT.failureRatePercent), or(window, DEFAULT.window),
                    or(minimumCalls, DEFAULT.minimumCalls), or(duration, DEFAULT.duration));
        }
    }

    /**
     * Hedged requests ("The Tail at Scale"; gRPC hedging; Finagle backup requests): when an attempt
     * has not answered after the upstream's recent latency at {@code percentile} (bounded by
     * {@code minDelay} and {@code maxDelay}; {@code maxDelay} until 20 answers were seen), a second
     * attempt goes to another replica of the shard, and the first answer wins; the other is
     * cancelled. Only for idempotent requests without a body, and within an extra-load budget of
     * {@code maxExtraLoadPercent} of first attempts plus {@code burst} within any 10 s
     * ({@link io.patternkit.sidecar.common.ExtraLoadBudget}).
     *
     * @param percentile the latency percentile that sets the delay, 1 to 99.9 (default 95)
     * @param minDelay the shortest delay (default 5 ms)
     * @param maxDelay the longest delay, at least {@code minDelay} (default 500 ms)
     * @param maxExtraLoadPercent hedges as a share of first attempts, 0 to 100 (default 5)
     * @param burst hedges allowed within any 10 s beyond that, at least 1 (default 10)
     */
    public record Hedging(double percentile, Duration minDelay, Duration maxDelay, double maxExtraLoadPercent, int burst) {
        /**
         * Checks the settings.
         *
         * @param percentile the latency percentile that sets the delay, 1 to 99.9 (default 95)
         * @param minDelay the shortest delay (default 5 ms)
         * @param maxDelay the longest delay, at least {@code minDelay} (default 500 ms)
         * @param maxExtraLoadPercent hedges as a share of first attempts, 0 to 100 (default 5)
         * @param burst hedges allowed within any 10 s beyond that, at least 1 (default 10)
         * @throws IllegalArgumentException when one is out of range
         */
        public Hedging {
            require(percentile >= 1 && percentile <= 99.9, "hedging.percentile must be 1 to 99.9");
            require(minDelay.toMillis() >= 1 && maxDelay.compareTo(minDelay) >= 0 && maxDelay.toMinutes() < 1,
                    "hedging needs 1ms <= minDelay <= maxDelay < 1m");
            require(maxExtraLoadPercent >= 0 && maxExtraLoadPercent <= 100, "hedging.maxExtraLoadPercent must be 0 to 100");
            require(burst >= 1, "hedging.burst must be at least 1");
        }

        @JsonCreator
        static Hedging fromJson(@JsonProperty("percentile") Double percentile, @JsonProperty("minDelay") Duration minDelay,
                                @JsonProperty("maxDelay") Duration maxDelay, @JsonProperty("maxExtraLoadPercent") Double maxExtraLoadPercent,
                                @JsonProperty("burst") Integer burst) {
            return new Hedging(or(percentile, 95.0), or(minDelay, Duration.ofMillis(5)), or(maxDelay, Duration.ofMillis(500)),
                    or(maxExtraLoadPercent, 5.0), or(burst, 10));
        }

        /**
         * @param observed the latency at {@link #percentile} in the recent window, if known
         * @return how long to wait before hedging
         */
        Duration delay(Optional<Duration> observed) {
            Duration d = observed.orElse(maxDelay);
            return d.compareTo(minDelay) < 0 ? minDelay : d.compareTo(maxDelay) > 0 ? maxDelay : d;
        }
    }

    private static void unique(List<Shard> shards, String what) {
        Set<String> names = new HashSet<>();
        for (Shard shard : shards) {
            require(names.add(shard.name()), what + " names shard " + shard.name() + " twice");
        }
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}

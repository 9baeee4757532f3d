package io.patternkit.sidecar.ambassador;

import io.patternkit.sidecar.common.ExtraLoadBudget;
import io.patternkit.sidecar.common.Ticker;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * What one configuration of an upstream routes by: its versions (stable and, optionally, a canary
 * taking a share of requests), each a hash ring of shards, and the retry budget. Replaced whole when
 * the configuration is reloaded, so that a request sees one configuration from start to end.
 * Immutable; the budget and endpoints are thread-safe.
 *
 * @param spec the upstream's configuration
 * @param stable the stable version
 * @param canary the canary version, if configured
 * @param budget the retry budget
 * @param hedgeBudget the hedging budget (unused without hedging)
 */
record RoutingTable(UpstreamSpec spec, Version stable, Optional<Version> canary, ExtraLoadBudget budget,
                    ExtraLoadBudget hedgeBudget) {

    /**
     * Builds the table, reusing the endpoints (with their breakers and counters) that the previous
     * configuration already had for the same URL and ejection settings.
     *
     * @param spec the configuration
     * @param known endpoints by URL, from earlier tables; updated with the new ones
     * @param resolved each {@code dns+} endpoint of the configuration with the endpoints it stands for now
     * @param ticker the clock the budgets' windows move by
     * @return the table
     */
    static RoutingTable of(UpstreamSpec spec, Map<URI, Endpoint> known, Map<URI, List<URI>> resolved, Ticker ticker) {
        Endpoints endpoints = new Endpoints(spec, known, resolved);
        Version stable = Version.of("stable", 100 - spec.canary().map(UpstreamSpec.Canary::percent).orElse(0.0), spec.shards(), endpoints);
        Optional<Version> canary = spec.canary().map(c -> Version.of("canary", c.percent(), c.shards(), endpoints));
        return new RoutingTable(spec, stable, canary, new ExtraLoadBudget(spec.retryBurst(), ticker),
                new ExtraLoadBudget(spec.hedging().map(UpstreamSpec.Hedging::burst).orElse(1), ticker));
    }

    /**
     * @param random the draw
     * @return the version a new request goes to: the canary with its configured share
     */
    Version pick(RandomGenerator random) {
        return canary.filter(c -> random.nextDouble() * 100 < c.percent()).orElse(stable);
    }

    /** @return the stable version, then the canary if any */
    List<Version> versions() {
        return canary.map(c -> List.of(stable, c)).orElse(List.of(stable));
    }

    /**
     * One version of the upstream.
     *
     * @param name {@code stable} or {@code canary}
     * @param percent its configured share of requests
     * @param shards its shards in configured order
     * @param ring its shards on the hash ring
     */
    record Version(String name, double percent, List<Replicas> shards, HashRing<Replicas> ring) {

        static Version of(String name, double percent, List<UpstreamSpec.Shard> specs, Endpoints endpoints) {
            Map<String, Replicas> byName = new LinkedHashMap<>();
            for (UpstreamSpec.Shard shard : specs) {
                byName.put(shard.name(), new Replicas(shard.name(), endpoints.of(shard)));
            }
            return new Version(name, percent, List.copyOf(byName.values()), new HashRing<>(byName));
        }

        /**
         * @param key the request's shard key; may be empty when the version has one shard
         * @return the shard that owns the key, or empty when a key is needed and there is none
         */
        Optional<Replicas> owner(Optional<String> key) {
            if (shards.size() == 1) {
                return Optional.of(shards.get(0));
            }
            return key.map(ring::owner);
        }
    }

    /** The live endpoints of a configuration's shards: {@code dns+} names expanded, known endpoints reused. */
    private record Endpoints(UpstreamSpec spec, Map<URI, Endpoint> known, Map<URI, List<URI>> resolved) {
        List<Endpoint> of(UpstreamSpec.Shard shard) {
            return shard.endpoints().stream().flatMap(url -> resolved.getOrDefault(url, List.of(url)).stream()).distinct()
                    .map(this::endpoint).toList();
        }

        private Endpoint endpoint(URI url) {
            Endpoint have = known.get(url);
            if (have == null || !have.ejection().equals(spec.ejection())) {
                have = new Endpoint(url, spec.ejection());
                known.put(url, have);
            }
            return have;
        }
    }
}

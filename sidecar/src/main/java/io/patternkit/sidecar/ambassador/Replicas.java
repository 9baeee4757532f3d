package io.patternkit.sidecar.ambassador;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The replicas of one shard, balanced by the power of two choices on outstanding requests
 * (Mitzenmacher; Envoy's and Finagle's least-request balancer): of two replicas drawn at random,
 * the one with fewer requests in flight gets the attempt; an ejected replica loses every
 * comparison. Immutable; its endpoints are thread-safe.
 *
 * @param shard the shard's name on the hash ring
 * @param endpoints its replicas; none while a {@code dns+} name has never resolved
 */
record Replicas(String shard, List<Endpoint> endpoints) {

    /**
     * Picks the replica for an attempt and takes its circuit breaker's permission.
     *
     * @param tried replicas this request has already tried, left out
     * @param random the source of the two choices
     * @return the replica, now counting the attempt as outstanding; empty when none that was not
     *     tried grants a permission (all ejected, or all tried)
     */
    Optional<Endpoint> pick(Set<Endpoint> tried, RandomGenerator random) {
        List<Endpoint> candidates = new ArrayList<>(endpoints.size());
        for (Endpoint endpoint : endpoints) {
            if (!tried.contains(endpoint)) {
                candidates.add(endpoint);
            }
        }
        while (!candidates.isEmpty()) {
            int n = candidates.size();
            int first = random.nextInt(n);
            Endpoint chosen = candidates.get(first);
            if (n > 1) {
                Endpoint other = candidates.get((first + 1 + random.nextInt(n - 1)) % n); // a different one
                if (better(other, chosen)) {
                    chosen = other;
                }
            }
            if (chosen.tryAcquire()) {
                return Optional.of(chosen);
            }
            candidates.remove(chosen);
        }
        return Optional.empty();
    }

    /**
     * @param tried the replicas this request has been sent to
     * @return whether another replica could take it: one not tried and not ejected
     */
    boolean hasUntried(Set<Endpoint> tried) {
        return endpoints.stream().anyMatch(e -> !tried.contains(e) && !e.ejected());
    }

    /** @return how many of its replicas are ejected now */
    long ejected() {
        return endpoints.stream().filter(Endpoint::ejected).count();
    }

    private static boolean better(Endpoint a, Endpoint b) {
        if (a.ejected() != b.ejected()) {
            return !a.ejected();
        }
        return a.outstanding() < b.outstanding();
    }
}

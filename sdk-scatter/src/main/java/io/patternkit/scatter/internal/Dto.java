package io.patternkit.scatter.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Wire records of the scatter API (see the OpenAPI contract, tag {@code scatter}). Internal. */
final class Dto {
    private Dto() {
    }

    /**
     * @param object a JSON object the root or a stranger sent
     * @param known the members its schema defines
     * @return the first member the schema does not define (the contract's objects admit no others), if any
     */
    static Optional<String> unknownMember(JsonNode object, Set<String> known) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ScatterRequest(JsonNode request, long deadlineMs, Long leafTimeoutMs, CompletionSpec completion,
            HedgingSpec hedging, List<String> shards, String mergeUrl, Long mergeTimeoutMs) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CompletionSpec(String policy, Integer n) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record HedgingSpec(boolean enabled, Double delayPercentile, Long minDelayMs, Long maxDelayMs,
            Double maxExtraLoadPercent, Integer maxHedges) {
    }

    record Registration(String shard, String url, long ttlMs) {
    }

    record RegistrationResult(String pool, String leafId, String shard, String url, Long ttlMs, Long expiresInMs) {
    }

    record LeafInfo(String pool, String shard, String leafId) {
    }

    record PoolLeaves(String pool, List<PoolShard> shards) {
    }

    record PoolShard(String shard, List<LeafReplica> replicas) {
    }

    record LeafReplica(String leafId, String url, String source, Long expiresInMs) {
    }
}

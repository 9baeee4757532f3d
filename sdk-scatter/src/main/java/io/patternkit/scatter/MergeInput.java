package io.patternkit.scatter;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the root sends a merge container for one scatter (the contract's {@code MergeCall}).
 *
 * @param pool the pool scattered to
 * @param scatterId the root's id of the scatter; empty when the root sent none
 * @param request the scatter's request, read as the container's request type
 * @param parts the answered shards' parts by shard name, in the order they answered (unanswered shards
 *     are absent); a value is null only when a leaf answered JSON {@code null}; unmodifiable
 * @param <Q> the request type
 * @param <P> the part type
 */
public record MergeInput<Q, P>(String pool, Optional<String> scatterId, Q request, Map<String, P> parts) {
    /**
     * Checks the components and keeps the parts' order in an unmodifiable copy.
     *
     * @param pool see {@link #pool()}
     * @param scatterId see {@link #scatterId()}
     * @param request see {@link #request()}
     * @param parts see {@link #parts()}
     */
    public MergeInput {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(scatterId, "scatterId");
        parts = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(parts, "parts")));
    }
}

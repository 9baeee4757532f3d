package io.patternkit.scatter.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.patternkit.core.ProtocolException;
import io.patternkit.core.internal.Json;
import io.patternkit.core.internal.SidecarCall;
import io.patternkit.core.internal.Transport;
import io.patternkit.scatter.Completion;
import io.patternkit.scatter.GatherResult;
import io.patternkit.scatter.Hedging;
import io.patternkit.scatter.Merger;
import io.patternkit.scatter.Part;
import io.patternkit.scatter.ScatterGather;
import io.patternkit.scatter.ScatterMetrics;
import io.patternkit.scatter.ScatterOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ScatterGather} over HTTP: {@code POST /v1/pools/{pool}/scatter} through the shared
 * {@link Transport}, read as NDJSON so that the merger sees parts as they arrive (or as one JSON
 * document for merge-container scatters). The call may take the deadline plus the client's call
 * timeout; it is retried only when the connection could not be made. Internal.
 */
public final class HttpScatter implements ScatterGather {
    private static final Logger log = LoggerFactory.getLogger(HttpScatter.class);
    private static final String ACCEPT_STREAM = GatherReader.NDJSON + ", application/json, application/problem+json";
    private static final String ACCEPT_JSON = "application/json, application/problem+json";
    /** The contract's default {@code mergeTimeoutMs}, which the root applies when the options name none. */
    private static final Duration DEFAULT_MERGE_TIMEOUT = Duration.ofSeconds(1);

    private final Transport transport;
    private final MeterRegistry registry;

    /** @param transport the client's transport */
    public HttpScatter(Transport transport) {
        this.transport = transport;
        this.registry = transport.config().meterRegistry();
    }

    @Override
    public <Q, P, R> GatherResult<R> scatter(String pool, Q request, Class<P> partType, Merger<P, R> merger,
            ScatterOptions options) {
        Objects.requireNonNull(partType, "partType");
        Objects.requireNonNull(merger, "merger");
        Objects.requireNonNull(options, "options");
        if (options.mergeUrl().isPresent()) {
            throw new IllegalArgumentException("the options name a merge container (" + options.mergeUrl().get()
                    + "); call scatterMerged, or drop mergeUrl to merge in Java");
        }
        return run(pool, request, options, ACCEPT_STREAM, partType, merger, null);
    }

    @Override
    public <Q, R> GatherResult<R> scatterMerged(String pool, Q request, Class<R> resultType, ScatterOptions options) {
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(options, "options");
        if (options.mergeUrl().isEmpty()) {
            throw new IllegalArgumentException("scatterMerged needs ScatterOptions.mergeUrl (the merge container); "
                    + "to merge in Java call scatter with a Merger");
        }
        Merger<JsonNode, Void> none = new Merger<>() {
            @Override
            public Void initial() {
                return null;
            }

            @Override
            public Void merge(Void merged, Part<JsonNode> part) {
                return null;
            }
        };
        return run(pool, request, options, ACCEPT_JSON, JsonNode.class, none, resultType);
    }

    private <Q, P, M, R> GatherResult<R> run(String pool, Q request, ScatterOptions options, String accept,
            Class<P> partType, Merger<P, M> merger, Class<R> mergedType) {
        Arguments.pool(pool);
        Objects.requireNonNull(request, "request");
        Dto.ScatterRequest body = toWire(Json.mapper().valueToTree(request), options);
        // The root answers within the deadline, plus the merge's budget when it calls a merge container.
        Duration rootMay = options.mergeUrl().isEmpty() ? options.deadline()
                : options.deadline().plus(options.mergeTimeout().orElse(DEFAULT_MERGE_TIMEOUT));
        SidecarCall call = SidecarCall.post("scatter", "/v1/pools/" + pool + "/scatter", body, false)
                .withLongPoll(rootMay);
        long start = System.nanoTime();
        GatherReader.Gathered<M> g = transport.executeStreaming(call, accept, (type, in) ->
                new GatherReader<>(pool, partType, merger, options, registry).read(type, in));
        String mergeError = mergedType == null ? null : mergeError(g.summary());
        GatherResult<R> result = new GatherResult<>(pool, g.scatterId(), g.complete(), g.policyMet(), g.elapsed(),
                g.outcomes(), g.stats(), mergedType == null ? cast(g.value()) : merged(pool, g.summary(), mergedType),
                mergeError);
        Timer.builder(ScatterMetrics.GATHERS).tag(ScatterMetrics.TAG_POOL, pool)
                .tag(ScatterMetrics.TAG_COMPLETE, Boolean.toString(result.isComplete())).register(registry)
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        log.debug("scatter {} to pool {}: complete={} policyMet={} missing={}", result.scatterId(), pool,
                result.isComplete(), result.policyMet(), result.missing().size());
        return result;
    }

    @SuppressWarnings("unchecked")
    private static <M, R> R cast(M value) {
        return (R) value;
    }

    private static String mergeError(JsonNode summary) {
        if (summary.has("merged")) {
            return null;
        }
        JsonNode e = summary.get("mergeError");
        return e != null && e.isTextual() ? e.asText() : "the root's answer has neither 'merged' nor 'mergeError'";
    }

    private static <R> R merged(String pool, JsonNode summary, Class<R> type) {
        JsonNode merged = summary.get("merged");
        if (merged == null) {
            return null;
        }
        try {
            return Json.treeToValue(merged, type);
        } catch (JsonProcessingException e) {
            throw new ProtocolException("scatter to pool '" + pool + "': the merge container's answer cannot be read as "
                    + type.getName() + ": " + e.getOriginalMessage(), 200, null, e);
        }
    }

    private static Dto.ScatterRequest toWire(JsonNode request, ScatterOptions o) {
        Completion c = o.completion();
        Dto.CompletionSpec completion = new Dto.CompletionSpec(c.policy().wireName(),
                c.n().isPresent() ? c.n().getAsInt() : null);
        Dto.HedgingSpec hedging = o.hedging().map(HttpScatter::toWire).orElse(null);
        return new Dto.ScatterRequest(request, o.deadline().toMillis(),
                o.leafTimeout().map(Duration::toMillis).orElse(null), completion, hedging,
                o.shards().isEmpty() ? null : o.shards(), o.mergeUrl().map(Object::toString).orElse(null),
                o.mergeTimeout().map(Duration::toMillis).orElse(null));
    }

    private static Dto.HedgingSpec toWire(Hedging h) {
        if (!h.isEnabled()) {
            return new Dto.HedgingSpec(false, null, null, null, null, null);
        }
        return new Dto.HedgingSpec(true,
                h.delayPercentile().isPresent() ? h.delayPercentile().getAsDouble() : null,
                h.minDelay().map(Duration::toMillis).orElse(null), h.maxDelay().map(Duration::toMillis).orElse(null),
                h.maxExtraLoadPercent().isPresent() ? h.maxExtraLoadPercent().getAsDouble() : null,
                h.maxHedges().isPresent() ? h.maxHedges().getAsInt() : null);
    }
}

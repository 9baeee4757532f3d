package io.patternkit.scatter.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.patternkit.core.internal.Json;
import io.patternkit.management.ManagementEndpoint;
import io.patternkit.management.ManagementRequest;
import io.patternkit.management.ManagementResponse;
import io.patternkit.protocol.NameRule;
import io.patternkit.protocol.ProblemType;
import io.patternkit.scatter.MergeHandler;
import io.patternkit.scatter.MergeInput;
import io.patternkit.scatter.ScatterMetrics;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The merge container's endpoint on the management server: {@code POST} reads the root's
 * {@code MergeCall} ({@code {"pool","scatterId","request","parts":[{"shard","response"}]}}), runs the
 * handler and answers its result as JSON. A call that cannot be read gets 400 {@code invalid-request}, a
 * handler that throws 500 {@code merge-failed}, other methods 405; all as problem documents. The calls' meters are
 * tagged with the first {@value #MAX_POOL_TAGS} pools seen, later ones with {@code other}. Internal.
 *
 * @param <Q> the request type
 * @param <P> the part type
 */
public final class MergeEndpoint<Q, P> implements ManagementEndpoint {
    private static final Logger log = LoggerFactory.getLogger(MergeEndpoint.class);
    /** The pool tag of calls that could not be read (their pool is not trusted as a tag value). */
    private static final String UNKNOWN_POOL = "unknown";
    private static final Set<String> MERGE_CALL_MEMBERS = Set.of("pool", "scatterId", "request", "parts");
    /** The pool tag of calls beyond {@link #MAX_POOL_TAGS} distinct pools. */
    private static final String OTHER_POOLS = "other";
    /**
     * Distinct pools this endpoint tags its meters with; a merge container serves a pool or a few, and any caller with
     * the token could otherwise add a series per name it makes up, for good.
     */
    static final int MAX_POOL_TAGS = 64;

    private final Class<Q> requestType;
    private final Class<P> partType;
    private final MergeHandler<Q, P, ?> handler;
    private final MeterRegistry registry;
    private final Set<String> taggedPools = ConcurrentHashMap.newKeySet();

    /**
     * @param requestType the type the scatter request is read as
     * @param partType the type each part is read as
     * @param handler the application's merge
     * @param registry where {@link ScatterMetrics#MERGE_CALLS} goes
     */
    public MergeEndpoint(Class<Q> requestType, Class<P> partType, MergeHandler<Q, P, ?> handler, MeterRegistry registry) {
        this.requestType = requestType;
        this.partType = partType;
        this.handler = handler;
        this.registry = registry;
    }

    @Override
    public ManagementResponse handle(ManagementRequest request) {
        if (!"POST".equals(request.method())) {
            return ManagementResponse.problem(ProblemType.METHOD_NOT_ALLOWED, "the merge endpoint accepts POST")
                    .withHeader("Allow", "POST");
        }
        long start = System.nanoTime();
        MergeInput<Q, P> input;
        try {
            input = read(request.body());
        } catch (InvalidCall e) {
            record(UNKNOWN_POOL, "invalid", start);
            return ManagementResponse.problem(ProblemType.INVALID_REQUEST, e.getMessage());
        }
        try {
            String merged = Json.write(handler.merge(input));
            record(input.pool(), "merged", start);
            return ManagementResponse.json(200, merged);
        } catch (Exception e) {
            record(input.pool(), "failed", start);
            log.warn("merge of a scatter to pool {} failed (scatter {})", input.pool(), input.scatterId().orElse("?"), e);
            return ManagementResponse.problem(ProblemType.MERGE_FAILED, "the merge handler failed with "
                    + e.getClass().getName());
        }
    }

    private MergeInput<Q, P> read(byte[] body) throws InvalidCall {
        JsonNode call;
        try {
            call = Json.readTree(body);
        } catch (IOException e) {
            throw new InvalidCall("the body is not JSON");
        }
        if (call == null || !call.isObject() || !call.path("pool").isTextual() || !call.has("request")
                || !call.path("parts").isArray()) {
            throw new InvalidCall("the body must be a merge call: an object with 'pool' (a string), 'request' and "
                    + "'parts' (an array)");
        }
        Optional<String> unknown = Dto.unknownMember(call, MERGE_CALL_MEMBERS);
        if (unknown.isPresent()) {
            throw new InvalidCall("unknown member '" + unknown.get() + "'; a merge call has pool, scatterId, request and parts");
        }
        String pool = call.get("pool").asText();
        if (!NameRule.POOL.matches(pool)) {
            throw new InvalidCall(NameRule.POOL.rejection(pool));
        }
        Q request = convert(call.get("request"), requestType, "the request");
        Map<String, P> parts = new LinkedHashMap<>();
        for (JsonNode part : call.get("parts")) {
            if (!part.isObject() || !part.path("shard").isTextual() || !part.has("response")) {
                throw new InvalidCall("each part must be an object with 'shard' (a string) and 'response'");
            }
            String shard = part.get("shard").asText();
            if (parts.containsKey(shard)) {
                throw new InvalidCall("shard '" + shard + "' has more than one part");
            }
            parts.put(shard, convert(part.get("response"), partType, "the part of shard '" + shard + "'"));
        }
        if (call.has("scatterId") && !call.get("scatterId").isTextual()) {
            throw new InvalidCall("'scatterId' must be a string");
        }
        Optional<String> scatterId = Optional.ofNullable(call.path("scatterId").textValue());
        return new MergeInput<>(pool, scatterId, request, parts);
    }

    private static <T> T convert(JsonNode value, Class<T> type, String what) throws InvalidCall {
        try {
            return Json.treeToValue(value, type);
        } catch (JsonProcessingException e) {
            throw new InvalidCall(what + " cannot be read as " + type.getName()
                    + (e instanceof JsonMappingException m ? " (at " + m.getPathReference() + ")" : ""));
        }
    }

    private void record(String pool, String status, long start) {
        Timer.builder(ScatterMetrics.MERGE_CALLS).tag(ScatterMetrics.TAG_POOL, pool.equals(UNKNOWN_POOL) ? pool : poolTag(pool))
                .tag(ScatterMetrics.TAG_STATUS, status).register(registry)
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    /** The pool as a tag value: itself while fewer than {@link #MAX_POOL_TAGS} pools are tagged, or once it is. */
    private String poolTag(String pool) {
        if (taggedPools.contains(pool)) {
            return pool;
        }
        synchronized (taggedPools) {
            if (taggedPools.size() < MAX_POOL_TAGS) {
                taggedPools.add(pool);
                return pool;
            }
            return taggedPools.contains(pool) ? pool : OTHER_POOLS;
        }
    }

    /** A merge call that cannot be read; the message is the problem's detail. */
    private static final class InvalidCall extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidCall(String detail) {
            super(detail, null, false, false);
        }
    }
}

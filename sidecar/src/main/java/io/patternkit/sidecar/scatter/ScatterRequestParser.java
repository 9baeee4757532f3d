package io.patternkit.sidecar.scatter;

import io.patternkit.protocol.CompletionPolicy;
import io.patternkit.protocol.NameRule;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import io.patternkit.protocol.WireName;
import io.patternkit.sidecar.common.JsonFields;
import io.patternkit.sidecar.common.JsonMappers;
import io.patternkit.sidecar.common.ProblemException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns scatter request bodies into validated values, enforcing the OpenAPI contract (types,
 * ranges, required and unknown members, name patterns) and the rules it states in words
 * ({@code n} only with {@code firstN}, {@code minDelayMs <= maxDelayMs}, unique shards). Every
 * violation is a {@link ProblemException} {@code invalid-request} listing each offending field.
 * Thread-safe.
 */
public final class ScatterRequestParser {
    private static final Set<String> REGISTRATION_FIELDS = Set.of("shard", "url", "ttlMs");
    private static final Set<String> SCATTER_FIELDS = Set.of("request", "deadlineMs", "leafTimeoutMs", "completion",
            "hedging", "shards", "mergeUrl", "mergeTimeoutMs");
    private static final Set<String> COMPLETION_FIELDS = Set.of("policy", "n");
    private static final Set<String> HEDGING_FIELDS = Set.of("enabled", "delayPercentile", "minDelayMs", "maxDelayMs",
            "maxExtraLoadPercent", "maxHedges");
    private static final long MAX_MS = Wire.MAX_SCATTER_DEADLINE_MS;

    private final JsonMapper mapper;
    private final Duration defaultDeadline;

    /**
     * Creates the parser.
     *
     * @param mapper the JSON mapper to copy
     * @param defaultDeadline the deadline of calls that do not say, 1 ms to 60 s
     */
    public ScatterRequestParser(JsonMapper mapper, Duration defaultDeadline) {
        // Exact decimals: the request is handed to leaves as sent, never rounded through a double.
        this.mapper = JsonMappers.exactDecimals(mapper);
        this.defaultDeadline = defaultDeadline;
    }

    /**
     * Checks a pool name.
     *
     * @param pool the path parameter
     * @return the name
     * @throws ProblemException {@code invalid-request} when it does not match {@link NameRule#POOL}
     */
    public String pool(String pool) {
        if (!NameRule.POOL.matches(pool)) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "the " + NameRule.POOL.requirement());
        }
        return pool;
    }

    /**
     * Checks a leaf id.
     *
     * @param leafId the path parameter
     * @return the id
     * @throws ProblemException {@code invalid-request} when it does not match {@link NameRule#LEAF_ID}
     */
    public String leafId(String leafId) {
        if (!NameRule.LEAF_ID.matches(leafId)) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "the " + NameRule.LEAF_ID.requirement());
        }
        return leafId;
    }

    /**
     * Parses a registration body.
     *
     * @param body the raw bytes, may be null
     * @return the registration
     * @throws ProblemException {@code invalid-request} when anything is wrong
     */
    public Registration registration(byte[] body) {
        JsonNode node = JsonFields.parse(mapper, body);
        JsonFields f = new JsonFields();
        if (!f.object(node, "", REGISTRATION_FIELDS)) {
            f.throwIfInvalid();
        }
        String shard = shardName(f, node, "shard");
        String url = url(f, node, "url", true);
        Long ttl = f.integer(node, "", "ttlMs", Wire.MIN_LEAF_TTL_MS, Wire.MAX_LEAF_TTL_MS, Wire.DEFAULT_LEAF_TTL_MS);
        f.throwIfInvalid();
        return new Registration(shard, url, Duration.ofMillis(ttl));
    }

    /**
     * Parses a scatter body.
     *
     * @param body the raw bytes, may be null
     * @return the validated request
     * @throws ProblemException {@code invalid-request} when anything is wrong
     */
    public ScatterSpec scatter(byte[] body) {
        JsonNode node = JsonFields.parse(mapper, body);
        JsonFields f = new JsonFields();
        if (!f.object(node, "", SCATTER_FIELDS)) {
            f.throwIfInvalid();
        }
        JsonNode request = node.get("request");
        if (request == null) {
            f.error("request", "is required");
        }
        Long deadline = f.integer(node, "", "deadlineMs", 1, MAX_MS, defaultDeadline.toMillis());
        Long leafTimeout = f.integer(node, "", "leafTimeoutMs", 1, MAX_MS, null);
        Completion completion = completion(f, node.get("completion"));
        Hedging hedging = hedging(f, node.get("hedging"));
        Optional<List<String>> shards = shards(f, node);
        String mergeUrl = url(f, node, "mergeUrl", false);
        Long mergeTimeout = f.integer(node, "", "mergeTimeoutMs", 1, MAX_MS, 1_000L);
        f.throwIfInvalid();
        Duration deadlineMs = Duration.ofMillis(deadline);
        Duration leaf = leafTimeout == null || leafTimeout > deadline ? deadlineMs : Duration.ofMillis(leafTimeout);
        return new ScatterSpec(serialise(request), deadlineMs, leaf, completion, hedging, shards,
                Optional.ofNullable(mergeUrl), Duration.ofMillis(mergeTimeout));
    }

    private Completion completion(JsonFields f, JsonNode node) {
        if (node == null) {
            return Completion.ALL;
        }
        if (!f.object(node, "completion", COMPLETION_FIELDS)) {
            return Completion.ALL;
        }
        String policy = f.string(node, "completion", "policy", 1, 16, false);
        CompletionPolicy kind = CompletionPolicy.ALL;
        if (policy != null) {
            Optional<CompletionPolicy> known = WireName.fromWire(CompletionPolicy.class, policy);
            if (known.isEmpty()) {
                f.error("completion.policy", "must be all, quorum or firstN");
                return Completion.ALL;
            }
            kind = known.get();
        }
        Long n = f.integer(node, "completion", "n", 1, Wire.MAX_SCATTER_SHARDS, null);
        if (kind == CompletionPolicy.FIRST_N && n == null && node.get("n") == null) {
            f.error("completion.n", "is required with firstN");
        }
        if (kind != CompletionPolicy.FIRST_N && node.get("n") != null) {
            f.error("completion.n", "is only allowed with firstN");
        }
        return new Completion(kind, kind == CompletionPolicy.FIRST_N && n != null ? n.intValue() : 0);
    }

    private Hedging hedging(JsonFields f, JsonNode node) {
        Hedging d = Hedging.DEFAULT;
        if (node == null || !f.object(node, "hedging", HEDGING_FIELDS)) {
            return d;
        }
        boolean enabled = f.bool(node, "hedging", "enabled", d.enabled());
        double percentile = number(f, node, "delayPercentile", 1, 99.99, d.delayPercentile());
        Long min = f.integer(node, "hedging", "minDelayMs", 0, MAX_MS, d.minDelay().toMillis());
        Long max = f.integer(node, "hedging", "maxDelayMs", 1, MAX_MS, d.maxDelay().toMillis());
        double extra = number(f, node, "maxExtraLoadPercent", 0, 100, d.maxExtraLoadPercent());
        Long maxHedges = f.integer(node, "hedging", "maxHedges", 1, 4, (long) d.maxHedges());
        if (min != null && max != null && min > max) {
            f.error("hedging.minDelayMs", "must not be greater than maxDelayMs");
        }
        return new Hedging(enabled, percentile, Duration.ofMillis(min == null ? 0 : min),
                Duration.ofMillis(max == null ? 1 : max), extra, maxHedges == null ? 1 : maxHedges.intValue());
    }

    private static double number(JsonFields f, JsonNode object, String name, double min, double max, double fallback) {
        JsonNode value = object.get(name);
        if (value == null) {
            return fallback;
        }
        // A number beyond a double's range (1e400) is NaN here, refused below like any other out of range.
        double number = value.isNumber() ? value.doubleValue(Double.NaN) : Double.NaN;
        if (!(number >= min && number <= max)) {
            f.error("hedging." + name, "must be a number from " + min + " to " + max);
            return fallback;
        }
        return number;
    }

    private static Optional<List<String>> shards(JsonFields f, JsonNode node) {
        JsonNode array = f.array(node, "", "shards", 1, Wire.MAX_SCATTER_SHARDS, false);
        if (array == null) {
            return Optional.empty();
        }
        List<String> shards = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode element = array.get(i);
            if (!element.isString() || !NameRule.SHARD.matches(element.stringValue())) {
                f.error(JsonFields.index("shards", i), "must be " + NameRule.SHARD.rule());
            } else if (!seen.add(element.stringValue())) {
                f.error(JsonFields.index("shards", i), "is a duplicate");
            } else {
                shards.add(element.stringValue());
            }
        }
        return Optional.of(shards);
    }

    private static String shardName(JsonFields f, JsonNode node, String name) {
        String shard = f.string(node, "", name, 1, 253, true);
        if (shard != null && !NameRule.SHARD.matches(shard)) {
            f.error(name, "must be " + NameRule.SHARD.rule());
            return null;
        }
        return shard;
    }

    private static String url(JsonFields f, JsonNode node, String name, boolean required) {
        String url = f.string(node, "", name, 1, LeafUrl.MAX_LENGTH, required);
        if (url == null) {
            return null;
        }
        try {
            LeafUrl.parse(url);
        } catch (IllegalArgumentException e) {
            f.error(name, LeafUrl.RULE);
            return null;
        }
        return url;
    }

    private String serialise(JsonNode request) {
        try {
            return request == null ? "null" : mapper.writeValueAsString(request);
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot serialise a parsed request", e);
        }
    }
}

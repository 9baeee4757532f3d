package io.patternkit.scatter.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.patternkit.core.ProtocolException;
import io.patternkit.core.internal.Json;
import io.patternkit.scatter.Completion;
import io.patternkit.scatter.GatherStats;
import io.patternkit.scatter.Merger;
import io.patternkit.scatter.Part;
import io.patternkit.scatter.ScatterMetrics;
import io.patternkit.scatter.ScatterOptions;
import io.patternkit.scatter.ShardOutcome;
import io.patternkit.scatter.ShardStatus;
import io.patternkit.protocol.Wire;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one scatter answer, NDJSON ({@code part} lines then a {@code done} line, fed to the merger as
 * they arrive) or a single JSON document (its {@code shards} fed in order), and checks it: every shard
 * at most once, a known status, the {@code done} line present, every requested shard reported. A part
 * that cannot be read as the part type makes its shard failed. Internal; one instance per scatter.
 *
 * @param <P> the part type
 * @param <R> the merged type
 */
final class GatherReader<P, R> {
    static final String NDJSON = Wire.NDJSON;

    private final String pool;
    private final Class<P> partType;
    private final Merger<P, R> merger;
    private final List<String> requested;
    private final Completion completion;
    private final MeterRegistry registry;
    private final List<ShardOutcome> outcomes = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();
    private R value;

    GatherReader(String pool, Class<P> partType, Merger<P, R> merger, ScatterOptions options, MeterRegistry registry) {
        this.pool = pool;
        this.partType = partType;
        this.merger = merger;
        this.requested = options.shards();
        this.completion = options.completion();
        this.registry = registry;
    }

    /** What was read: the outcomes, the merged value and the summary document ({@code done} or the whole answer). */
    record Gathered<R>(List<ShardOutcome> outcomes, R value, JsonNode summary, boolean complete, boolean policyMet,
            String scatterId, Duration elapsed, GatherStats stats) {
    }

    Gathered<R> read(String mediaType, InputStream in) throws IOException {
        value = merger.initial();
        JsonNode summary;
        if (NDJSON.equals(mediaType)) {
            summary = readLines(in);
        } else {
            JsonNode doc = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "answer");
            JsonNode shards = doc.get("shards");
            if (shards == null || !shards.isArray()) {
                throw protocol("the answer lacks the 'shards' array");
            }
            for (JsonNode s : shards) {
                part(s);
            }
            summary = doc;
        }
        for (String shard : requested) {
            if (!seen.contains(shard)) {
                throw protocol("the root did not report shard '" + shard + "', which was asked for");
            }
        }
        boolean complete = bool(summary, "complete") && outcomes.stream().allMatch(ShardOutcome::answered);
        // A part this side could not read counts as failed here, so the root's verdict on the policy may no longer hold.
        long answered = outcomes.stream().filter(ShardOutcome::answered).count();
        boolean policyMet = bool(summary, "policyMet") && answered >= completion.required(outcomes.size());
        return new Gathered<>(List.copyOf(outcomes), value, summary, complete, policyMet,
                text(summary, "scatterId").orElseThrow(() -> protocol("the answer lacks 'scatterId'")),
                Duration.ofMillis(summary.path("elapsedMs").asLong(0)), stats(summary.get("stats")));
    }

    private JsonNode readLines(InputStream in) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode event = parse(line, "line");
            String kind = event.path("event").asText("");
            if (kind.equals("part")) {
                part(event);
            } else if (kind.equals("done")) {
                return event;
            }
            // Other events are ignored, for forward compatibility.
        }
        throw protocol("the stream ended before its 'done' line (" + outcomes.size() + " shard outcomes had arrived)");
    }

    private void part(JsonNode n) {
        String shard = text(n, "shard").orElseThrow(() -> protocol("a shard outcome lacks 'shard'"));
        String wireStatus = text(n, "status").orElse(null);
        ShardStatus status = ShardStatus.fromWire(wireStatus)
                .orElseThrow(() -> protocol("shard '" + shard + "' has an unknown status '" + wireStatus + "'"));
        if (!seen.add(shard)) {
            throw protocol("shard '" + shard + "' was reported twice");
        }
        Optional<String> leafId = text(n, "leafId");
        Optional<String> reason = text(n, "reason");
        Optional<Duration> latency = n.hasNonNull("latencyMs") ? Optional.of(Duration.ofMillis(n.get("latencyMs")
                .asLong())) : Optional.empty();
        boolean hedged = n.path("hedged").asBoolean(false);
        int attempts = n.path("attempts").asInt(status == ShardStatus.SKIPPED ? 0 : 1);
        if (status == ShardStatus.ANSWERED) {
            JsonNode response = n.has("response") ? n.get("response") : NullNode.getInstance();
            P part;
            try {
                part = Json.treeToValue(response, partType);
            } catch (JsonProcessingException e) {
                status = ShardStatus.FAILED;
                reason = Optional.of("the leaf's answer cannot be read as " + partType.getName()
                        + (e instanceof JsonMappingException m ? " (at " + m.getPathReference() + ")" : ""));
                part = null;
            }
            if (status == ShardStatus.ANSWERED) {
                value = merger.merge(value, new Part<>(shard, leafId.orElse(""), part,
                        latency.orElse(Duration.ZERO), hedged));
            }
        }
        outcomes.add(new ShardOutcome(shard, status, leafId, reason, latency, hedged, attempts));
        Counter.builder(ScatterMetrics.SHARDS).tag(ScatterMetrics.TAG_POOL, pool)
                .tag(ScatterMetrics.TAG_STATUS, status.wireName()).register(registry).increment();
    }

    private JsonNode parse(String text, String what) {
        try {
            JsonNode node = Json.readTree(text);
            if (node == null || !node.isObject()) {
                throw protocol("the root's " + what + " is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw protocol("the root's " + what + " is not JSON (" + e.getOriginalMessage() + ")");
        }
    }

    private boolean bool(JsonNode doc, String field) {
        JsonNode n = doc.get(field);
        if (n == null || !n.isBoolean()) {
            throw protocol("the answer lacks the boolean '" + field + "'");
        }
        return n.asBoolean();
    }

    private static GatherStats stats(JsonNode s) {
        if (s == null || !s.isObject()) {
            return GatherStats.NONE;
        }
        return new GatherStats(s.path("leafRequests").asLong(0), s.path("hedgedRequests").asLong(0),
                s.path("hedgesWon").asLong(0), s.path("cancelledRequests").asLong(0));
    }

    private static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
    }

    private ProtocolException protocol(String what) {
        return new ProtocolException("scatter to pool '" + pool + "': " + what
                + "; is the root a Patternkit scatter sidecar of a compatible version?", 200, null, null);
    }
}

package io.patternkit.sidecar.adapter.logs;

import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One record of an app's log in the adapter's one shape, whatever format the app wrote: when it
 * happened, its level, its message, the rest of what the line carried as fields, and the source it
 * came from. Written as one JSON object per line ({@link #toJson}), the shape log collectors such as
 * Fluent Bit and Vector read without a parser of their own.
 *
 * @param time when the app says it happened; when the line says nothing readable, when it was read
 * @param level the level in {@link LogLevel}'s words, or {@code null} when the line has none
 * @param message the message (for a multi-line record, its lines joined by {@code \n})
 * @param fields the line's other members (JSON values), in the order written; empty for none
 * @param source the configured source's name
 * @param raw the record's bytes when they were not valid UTF-8 (written as {@code rawBase64}), else {@code null}
 * @param parseError why the line did not read in its source's format (it is kept whole as the message), else {@code null}
 */
public record LogRecord(Instant time, String level, String message, Map<String, JsonNode> fields, String source, byte[] raw,
                        String parseError) {
    /**
     * @param mapper makes the nodes
     * @return {@code {"time", "level", "message", "source", "fields", ["rawBase64"], ["parseError"]}}
     */
    public ObjectNode toJson(JsonMapper mapper) {
        ObjectNode node = mapper.createObjectNode().put("time", time.toString()).put("level", level).put("message", message)
                .put("source", source);
        node.putObject("fields").setAll(fields);
        if (raw != null) {
            node.put("rawBase64", Base64.getEncoder().encodeToString(raw));
        }
        if (parseError != null) {
            node.put("parseError", parseError);
        }
        return node;
    }

    /** @return the level's rank, or empty when the record has none */
    Optional<LogLevel> rank() {
        return LogLevel.of(level);
    }
}

package io.patternkit.sidecar.checkpoint;

import io.patternkit.protocol.NameRule;
import io.patternkit.sidecar.common.JsonFields;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Validates checkpoint requests ({@code 400 invalid-request} naming every bad field), and takes the
 * saved state out of the body exactly as it was sent: the bytes of the {@code state} member, not a
 * re-serialisation, so what a restore returns is byte for byte what was saved.
 */
final class CheckpointRequests {
    private static final Set<String> SAVE_FIELDS = Set.of("state", "expectedVersion", "fencingToken");
    private static final Set<String> RESTORE_FIELDS = Set.of("fencingToken");

    /** A validated save. */
    record Save(String stateJson, Long expectedVersion, Long fencingToken) {
    }

    private final JsonMapper mapper;

    CheckpointRequests(JsonMapper mapper) {
        this.mapper = mapper;
    }

    String name(String name) {
        if (!NameRule.CHECKPOINT.matches(name)) {
            throw JsonFields.invalid("checkpoint", "must be " + NameRule.CHECKPOINT.rule());
        }
        return name;
    }

    Save save(byte[] body) {
        JsonNode doc = JsonFields.parse(mapper, body);
        JsonFields fields = new JsonFields();
        Save save = null;
        if (fields.object(doc, "body", SAVE_FIELDS)) {
            if (!doc.has("state")) {
                fields.error("state", "is required");
            }
            Long expected = fields.integer(doc, "", "expectedVersion", 0, Long.MAX_VALUE, null);
            Long token = fields.integer(doc, "", "fencingToken", 1, Long.MAX_VALUE, null);
            if (doc.has("state")) {
                save = new Save(rawState(body), expected, token);
            }
        }
        fields.throwIfInvalid();
        return save;
    }

    long restore(byte[] body) {
        JsonNode doc = JsonFields.parse(mapper, body);
        JsonFields fields = new JsonFields();
        Long token = null;
        if (fields.object(doc, "body", RESTORE_FIELDS)) {
            token = fields.integer(doc, "", "fencingToken", 1, Long.MAX_VALUE, null);
            if (!doc.has("fencingToken")) {
                fields.error("fencingToken", "is required");
            }
        }
        fields.throwIfInvalid();
        return token;
    }

    /** The text of the top-level {@code state} member's value, as sent; the body is valid JSON by now. */
    private String rawState(byte[] body) {
        String state = JsonFields.rawValues(mapper.tokenStreamFactory(), body, "state").get("state");
        if (state == null) {
            throw JsonFields.invalid("state", "is required");
        }
        return state;
    }
}

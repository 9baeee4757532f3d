package io.patternkit.sidecar.workqueue;

import io.patternkit.protocol.NameRule;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.common.JsonFields;
import io.patternkit.sidecar.common.ProblemException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns work-queue request bodies into validated requests, enforcing the OpenAPI contract:
 * types, ranges, required members, no unknown members ({@code additionalProperties: false}),
 * exactly one of {@code payload} and {@code fileRef}, and the per-item size limit. Every
 * violation is a {@link ProblemException} ({@code invalid-request} with one error per field, or
 * {@code payload-too-large}), so client input never reaches the engine unchecked. Thread-safe.
 */
public final class RequestParser {
    private static final Set<String> ENQUEUE_FIELDS = Set.of("payload", "fileRef", "dedupKey", "delayMs", "priority", "maxAttempts");
    private static final Set<String> CLAIM_FIELDS = Set.of("max", "visibilityMs", "waitMs", "claimId", "ack");
    private static final Set<String> NACK_FIELDS = Set.of("receipt", "delayMs", "deadLetter", "reason");
    private static final Set<String> EXTEND_FIELDS = Set.of("receipt", "visibilityMs");
    private static final int MAX_RECEIPT = 256;

    private final JsonMapper mapper;
    private final long maxItemBytes;
    private final int defaultMaxAttempts;
    private final long dedupWindowMs;

    /**
     * Creates the parser.
     *
     * @param mapper the JSON mapper used to parse bodies
     * @param maxItemBytes largest serialised payload in bytes, at least 1
     * @param defaultMaxAttempts {@code maxAttempts} of items that do not say, 1 to 1000
     * @param dedupWindowMs this sidecar's {@code --dedup-window} in milliseconds, kept with every item it enqueues
     */
    public RequestParser(JsonMapper mapper, long maxItemBytes, int defaultMaxAttempts, long dedupWindowMs) {
        // Payloads are stored as the body writes them (JsonFields.rawValues), never re-serialised from the
        // tree, so the tree's number type does not matter to them.
        this.mapper = mapper;
        this.maxItemBytes = maxItemBytes;
        this.defaultMaxAttempts = defaultMaxAttempts;
        this.dedupWindowMs = dedupWindowMs;
    }

    /**
     * Parses a request body.
     *
     * @param body the raw bytes, may be null or empty
     * @return the JSON tree, never null
     * @throws ProblemException {@code invalid-request} when the body is absent or not one JSON document
     */
    public JsonNode parse(byte[] body) {
        return JsonFields.parse(mapper, body);
    }

    /**
     * Validates a queue name from the path.
     *
     * @param queue the decoded path parameter, may be null
     * @return the name
     * @throws ProblemException {@code invalid-request} when it does not match {@link NameRule#QUEUE}
     */
    public String queue(String queue) {
        if (!NameRule.QUEUE.matches(queue)) {
            throw invalid("queue", "must be " + NameRule.QUEUE.rule());
        }
        return queue;
    }

    /**
     * Validates the {@code limit} query parameter of the dead-letter list.
     *
     * @param limit the raw parameter, or null for the default of 100
     * @return 1 to 1000
     * @throws ProblemException {@code invalid-request} when malformed or out of range
     */
    public int limit(String limit) {
        return JsonFields.queryInt("limit", limit, 100, 1, Wire.MAX_BATCH);
    }

    /**
     * Validates a single enqueue.
     *
     * @param body the parsed body
     * @param raw the body's bytes, from which the payload is taken exactly as sent
     * @return the item
     * @throws ProblemException {@code invalid-request} or {@code payload-too-large}
     */
    public NewItem enqueue(JsonNode body, byte[] raw) {
        JsonFields fields = new JsonFields();
        NewItem item = item(fields, body, "", payloads(raw));
        fields.throwIfInvalid();
        return item;
    }

    /**
     * Validates a batch enqueue.
     *
     * @param body the parsed body
     * @param raw the body's bytes, from which each payload is taken exactly as sent
     * @return 1 to 1000 items in request order
     * @throws ProblemException {@code invalid-request} or {@code payload-too-large}
     */
    public List<NewItem> enqueueBatch(JsonNode body, byte[] raw) {
        Map<String, String> payloads = payloads(raw);
        return batch(body, "items", (fields, node, path) -> item(fields, node, path, payloads));
    }

    /** @return every payload's text as the body writes it, by its path ({@code payload}, {@code items[i].payload}) */
    private Map<String, String> payloads(byte[] raw) {
        return JsonFields.rawValues(mapper.tokenStreamFactory(), raw, "payload");
    }

    /**
     * Validates a claim.
     *
     * @param body the parsed body
     * @return the claim with defaults applied (max 1, visibility 30 s, no wait)
     * @throws ProblemException {@code invalid-request}
     */
    public ClaimRequest claim(JsonNode body) {
        JsonFields fields = new JsonFields();
        ClaimRequest claim = null;
        if (fields.object(body, "body", CLAIM_FIELDS)) {
            Long max = fields.integer(body, "", "max", 1, Wire.MAX_BATCH, 1L);
            Long visibility = fields.integer(body, "", "visibilityMs", 1, Wire.MAX_VISIBILITY_MS, 30_000L);
            Long wait = fields.integer(body, "", "waitMs", 0, Wire.MAX_WAIT_MS, 0L);
            String claimId = fields.string(body, "", "claimId", 1, 64, false);
            if (claimId != null && !NameRule.CLAIM_ID.matches(claimId)) {
                fields.error("claimId", "must be " + NameRule.CLAIM_ID.rule());
                claimId = null;
            }
            List<String> acks = body.has("ack") ? receipts(fields, body, "ack") : List.of();
            if (max != null && visibility != null && wait != null) {
                claim = new ClaimRequest(max.intValue(), visibility, wait, claimId, acks);
            }
        }
        fields.throwIfInvalid();
        return claim;
    }

    /**
     * Validates the name of a claim in a path.
     *
     * @param claimId the raw path segment
     * @return the id
     * @throws ProblemException {@code invalid-request} when it does not match {@link NameRule#CLAIM_ID}
     */
    public String claimId(String claimId) {
        if (!NameRule.CLAIM_ID.matches(claimId)) {
            throw invalid("claimId", "must be " + NameRule.CLAIM_ID.rule());
        }
        return claimId;
    }

    /**
     * Validates a single ack.
     *
     * @param body the parsed body
     * @return the wire receipt
     * @throws ProblemException {@code invalid-request}
     */
    public String ack(JsonNode body) {
        JsonFields fields = new JsonFields();
        String receipt = fields.object(body, "body", Set.of("receipt"))
                ? fields.string(body, "", "receipt", 1, MAX_RECEIPT, true) : null;
        fields.throwIfInvalid();
        return receipt;
    }

    /**
     * Validates a batch ack.
     *
     * @param body the parsed body
     * @return 1 to 1000 wire receipts in request order
     * @throws ProblemException {@code invalid-request}
     */
    public List<String> ackBatch(JsonNode body) {
        JsonFields fields = new JsonFields();
        List<String> receipts = List.of();
        if (fields.object(body, "body", Set.of("receipts"))) {
            receipts = receipts(fields, body, "receipts");
        }
        fields.throwIfInvalid();
        return receipts;
    }

    /** Reads an array of 1 to {@link Wire#MAX_BATCH} receipts; each bad one is an error of {@code fields}. */
    private static List<String> receipts(JsonFields fields, JsonNode body, String name) {
        List<String> receipts = new ArrayList<>();
        JsonNode array = fields.array(body, "", name, 1, Wire.MAX_BATCH, true);
        for (int i = 0; array != null && i < array.size(); i++) {
            JsonNode r = array.get(i);
            if (!r.isString() || r.stringValue().isEmpty() || JsonFields.length(r.stringValue()) > MAX_RECEIPT) {
                fields.error(JsonFields.index(name, i), "must be a string of 1 to " + MAX_RECEIPT + " characters");
            } else {
                receipts.add(r.stringValue());
            }
        }
        return receipts;
    }

    /**
     * Validates a single nack.
     *
     * @param body the parsed body
     * @return the nack
     * @throws ProblemException {@code invalid-request}
     */
    public NackRequest nack(JsonNode body) {
        JsonFields fields = new JsonFields();
        NackRequest nack = nack(fields, body, "");
        fields.throwIfInvalid();
        return nack;
    }

    /**
     * Validates a batch nack.
     *
     * @param body the parsed body
     * @return 1 to 1000 nacks in request order
     * @throws ProblemException {@code invalid-request}
     */
    public List<NackRequest> nackBatch(JsonNode body) {
        return batch(body, "items", this::nack);
    }

    /**
     * Validates a single extend.
     *
     * @param body the parsed body
     * @return the extend
     * @throws ProblemException {@code invalid-request}
     */
    public ExtendRequest extend(JsonNode body) {
        JsonFields fields = new JsonFields();
        ExtendRequest extend = extend(fields, body, "");
        fields.throwIfInvalid();
        return extend;
    }

    /**
     * Validates a batch extend.
     *
     * @param body the parsed body
     * @return 1 to 1000 extends in request order
     * @throws ProblemException {@code invalid-request}
     */
    public List<ExtendRequest> extendBatch(JsonNode body) {
        return batch(body, "items", this::extend);
    }

    /**
     * Validates a redrive.
     *
     * @param body the parsed body
     * @return the redrive (all dead items, up to 1000, when the body is {@code {}})
     * @throws ProblemException {@code invalid-request}
     */
    public RedriveRequest redrive(JsonNode body) {
        JsonFields fields = new JsonFields();
        RedriveRequest redrive = null;
        if (fields.object(body, "body", Set.of("ids", "max"))) {
            Long max = fields.integer(body, "", "max", 1, 100_000, 1_000L);
            JsonNode array = fields.array(body, "", "ids", 0, Wire.MAX_BATCH, false);
            List<Long> ids = array == null ? null : new ArrayList<>();
            for (int i = 0; array != null && i < array.size(); i++) {
                if (!array.get(i).isString()) {
                    fields.error(JsonFields.index("ids", i), "must be a string");
                } else if (JsonFields.length(array.get(i).stringValue()) > Wire.MAX_ITEM_ID_LENGTH) {
                    fields.error(JsonFields.index("ids", i), "must be at most " + Wire.MAX_ITEM_ID_LENGTH + " characters");
                } else {
                    parseId(array.get(i).stringValue(), ids);
                }
            }
            if (max != null) {
                redrive = new RedriveRequest(ids, max.intValue());
            }
        }
        fields.throwIfInvalid();
        return redrive;
    }

    private static void parseId(String id, List<Long> into) {
        try {
            into.add(Long.parseLong(id));
        } catch (NumberFormatException e) {
            // Not an id this sidecar issued, so not a dead item of this queue: nothing to move.
        }
    }

    private <T> List<T> batch(JsonNode body, String member, Element<T> element) {
        JsonFields fields = new JsonFields();
        List<T> out = new ArrayList<>();
        if (fields.object(body, "body", Set.of(member))) {
            JsonNode array = fields.array(body, "", member, 1, Wire.MAX_BATCH, true);
            for (int i = 0; array != null && i < array.size(); i++) {
                out.add(element.read(fields, array.get(i), JsonFields.index(member, i)));
            }
        }
        fields.throwIfInvalid();
        return out;
    }

    /** Reads one element of a batch, recording errors; may return null after an error. */
    @FunctionalInterface
    private interface Element<T> {
        T read(JsonFields fields, JsonNode node, String path);
    }

    private NewItem item(JsonFields fields, JsonNode node, String path, Map<String, String> payloads) {
        if (!fields.object(node, path.isEmpty() ? "body" : path, ENQUEUE_FIELDS)) {
            return null;
        }
        JsonNode payload = node.get("payload");
        String fileRef = fields.string(node, path, "fileRef", 1, 4096, false);
        if ((payload == null) == (node.get("fileRef") == null)) {
            fields.error(path.isEmpty() ? "payload" : JsonFields.join(path, "payload"), "exactly one of payload and fileRef is required");
        }
        String dedupKey = fields.string(node, path, "dedupKey", 1, 512, false);
        Long delay = fields.integer(node, path, "delayMs", 0, Wire.MAX_DELAY_MS, 0L);
        Long priority = fields.integer(node, path, "priority", -1000, 1000, 0L);
        Long maxAttempts = fields.integer(node, path, "maxAttempts", 1, 1000, (long) defaultMaxAttempts);
        String payloadJson = payload == null ? null : sized(payloads.get(JsonFields.join(path, "payload")));
        if (delay == null || priority == null || maxAttempts == null) {
            return null;
        }
        return new NewItem(payloadJson, fileRef, dedupKey, delay, priority.intValue(), maxAttempts.intValue(), dedupWindowMs);
    }

    /** @return the payload as sent, when it is within the per-item limit */
    private String sized(String payload) {
        if (payload.getBytes(StandardCharsets.UTF_8).length > maxItemBytes) {
            throw new ProblemException(ProblemType.PAYLOAD_TOO_LARGE,
                    "an item's payload is larger than " + maxItemBytes + " bytes");
        }
        return payload;
    }

    private NackRequest nack(JsonFields fields, JsonNode node, String path) {
        if (!fields.object(node, path.isEmpty() ? "body" : path, NACK_FIELDS)) {
            return null;
        }
        String receipt = fields.string(node, path, "receipt", 1, MAX_RECEIPT, true);
        Long delay = fields.integer(node, path, "delayMs", 0, Wire.MAX_VISIBILITY_MS, null);
        boolean deadLetter = fields.bool(node, path, "deadLetter", false);
        String reason = fields.string(node, path, "reason", 0, 2048, false);
        if (reason != null && reason.indexOf('\0') >= 0) { // PostgreSQL cannot store it: refused up front, on every engine
            fields.error(JsonFields.join(path, "reason"), "must not contain U+0000");
        }
        return new NackRequest(receipt, new NackCommand(delay, deadLetter, reason));
    }

    private ExtendRequest extend(JsonFields fields, JsonNode node, String path) {
        if (!fields.object(node, path.isEmpty() ? "body" : path, EXTEND_FIELDS)) {
            return null;
        }
        String receipt = fields.string(node, path, "receipt", 1, MAX_RECEIPT, true);
        Long visibility = fields.integer(node, path, "visibilityMs", 1, Wire.MAX_VISIBILITY_MS, null);
        if (visibility == null && node.get("visibilityMs") == null) {
            fields.error(JsonFields.join(path, "visibilityMs"), "is required");
        }
        return visibility == null ? null : new ExtendRequest(receipt, visibility);
    }

    private static ProblemException invalid(String field, String message) {
        return JsonFields.invalid(field, message);
    }
}

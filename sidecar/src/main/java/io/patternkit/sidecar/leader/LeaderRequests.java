package io.patternkit.sidecar.leader;

import io.patternkit.protocol.NameRule;
import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.common.JsonFields;
import io.patternkit.sidecar.common.ProblemException;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns leader-election requests into validated ones, enforcing the OpenAPI contract: election
 * names ({@link NameRule#ELECTION}), candidate ids ({@link NameRule#CANDIDATE_ID}), types, ranges,
 * required members and no unknown members. Every violation is a {@link ProblemException}
 * {@code invalid-request} listing the offending fields, so client input never reaches the engine
 * unchecked. Thread-safe.
 */
public final class LeaderRequests {
    private static final Set<String> CAMPAIGN_FIELDS = Set.of("candidateId", "waitMs");
    private static final Set<String> TERM_FIELDS = Set.of("candidateId", "term");
    private static final int MAX_ID = 253;

    private final JsonMapper mapper;

    /**
     * @param mapper the JSON mapper that reads the bodies
     */
    public LeaderRequests(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /** A validated campaign. @param candidateId the candidate @param waitMs 0 to 20000 */
    public record Campaign(String candidateId, long waitMs) {
    }

    /** A validated renew or resign. @param candidateId the candidate @param term at least 1 */
    public record TermRequest(String candidateId, long term) {
    }

    /**
     * Parses a request body.
     *
     * @param body the raw bytes, may be null or empty
     * @return the JSON tree
     * @throws ProblemException {@code invalid-request} when the body is absent or not one JSON document
     */
    public JsonNode parse(byte[] body) {
        return JsonFields.parse(mapper, body);
    }

    /**
     * Validates an election name from the path.
     *
     * @param election the decoded path parameter, may be null
     * @return the name
     * @throws ProblemException {@code invalid-request} when it does not match {@link NameRule#ELECTION}
     */
    public String election(String election) {
        if (!NameRule.ELECTION.matches(election)) {
            throw JsonFields.invalid("election", "must be " + NameRule.ELECTION.rule());
        }
        return election;
    }

    /**
     * Validates a campaign body.
     *
     * @param body the parsed body
     * @return the campaign
     * @throws ProblemException {@code invalid-request}
     */
    public Campaign campaign(JsonNode body) {
        JsonFields fields = new JsonFields();
        Campaign campaign = null;
        if (fields.object(body, "body", CAMPAIGN_FIELDS)) {
            String candidate = candidate(fields, body);
            Long waitMs = fields.integer(body, "", "waitMs", 0, Wire.MAX_WAIT_MS, 0L);
            if (candidate != null && waitMs != null) {
                campaign = new Campaign(candidate, waitMs);
            }
        }
        fields.throwIfInvalid();
        return campaign;
    }

    /**
     * Validates a renew or resign body.
     *
     * @param body the parsed body
     * @return the request
     * @throws ProblemException {@code invalid-request}
     */
    public TermRequest term(JsonNode body) {
        JsonFields fields = new JsonFields();
        TermRequest request = null;
        if (fields.object(body, "body", TERM_FIELDS)) {
            String candidate = candidate(fields, body);
            Long term = fields.integer(body, "", "term", 1, Long.MAX_VALUE, null);
            if (term == null && body.get("term") == null) {
                fields.error("term", "is required");
            }
            if (candidate != null && term != null) {
                request = new TermRequest(candidate, term);
            }
        }
        fields.throwIfInvalid();
        return request;
    }

    /**
     * Validates a watch's query parameters.
     *
     * @param election the validated election
     * @param query the query parameter by name (first value), null when absent
     * @return the watch
     * @throws ProblemException {@code invalid-request}
     */
    public WatchRequest watch(String election, Function<String, String> query) {
        JsonFields fields = new JsonFields();
        Long term = number(fields, query.apply("term"), "term", 0, Long.MAX_VALUE, 0);
        Long waitMs = number(fields, query.apply("waitMs"), "waitMs", 0, Wire.MAX_WAIT_MS, Wire.MAX_WAIT_MS);
        String leaderId = query.apply("leaderId");
        if (leaderId != null && JsonFields.length(leaderId) > MAX_ID) {
            fields.error("leaderId", "must be at most " + MAX_ID + " characters long");
        }
        String candidate = query.apply("candidateId");
        if (candidate != null && !NameRule.CANDIDATE_ID.matches(candidate)) {
            fields.error("candidateId", "must be " + NameRule.CANDIDATE_ID.rule());
        }
        String release = query.apply("releaseOnDisconnect");
        boolean releaseOnDisconnect = false;
        if (release != null) {
            String text = release.toLowerCase(Locale.ROOT);
            if (text.equals("true") || text.equals("false")) {
                releaseOnDisconnect = text.equals("true");
            } else {
                fields.error("releaseOnDisconnect", "must be true or false");
            }
        }
        if (releaseOnDisconnect && candidate == null) {
            fields.error("candidateId", "is required with releaseOnDisconnect=true");
        }
        fields.throwIfInvalid();
        return new WatchRequest(election, term, leaderId == null || leaderId.isEmpty() ? null : leaderId, waitMs,
                candidate, releaseOnDisconnect);
    }

    private static String candidate(JsonFields fields, JsonNode body) {
        String candidate = fields.string(body, "", "candidateId", 1, MAX_ID, true);
        if (candidate != null && !NameRule.CANDIDATE_ID.matches(candidate)) {
            fields.error("candidateId", "must be " + NameRule.CANDIDATE_ID.rule());
            return null;
        }
        return candidate;
    }

    private static Long number(JsonFields fields, String text, String name, long min, long max, long fallback) {
        if (text == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(text);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        fields.error(name, "must be an integer between " + min + " and " + max);
        return null;
    }
}

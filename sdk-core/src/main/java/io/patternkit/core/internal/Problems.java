package io.patternkit.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.patternkit.core.ConflictException;
import io.patternkit.core.FieldError;
import io.patternkit.core.InvalidRequestException;
import io.patternkit.core.NotFoundException;
import io.patternkit.core.NotImplementedException;
import io.patternkit.core.PatternkitException;
import io.patternkit.core.PayloadTooLargeException;
import io.patternkit.core.ProtocolException;
import io.patternkit.core.RateLimitedException;
import io.patternkit.core.SidecarUnavailableException;
import io.patternkit.core.UnauthorizedException;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps a sidecar's error answer (an RFC 9457 problem document, or whatever came back) to the typed
 * exceptions. For the Patternkit SDK modules only.
 */
public final class Problems {
    private Problems() {
    }

    /**
     * Builds the exception for a non-2xx answer.
     *
     * @param status the HTTP status
     * @param retryAfterHeader the raw {@code Retry-After} header, or null
     * @param body the response body, possibly empty or not JSON
     * @param sidecar describes the sidecar for messages: its URL and where the URL came from
     * @param clock the clock for an HTTP-date {@code Retry-After}
     * @return the typed exception; never null
     */
    public static PatternkitException fromResponse(int status, String retryAfterHeader, byte[] body, String sidecar,
            Clock clock) {
        JsonNode doc = parse(body);
        String type = text(doc, "type");
        String detail = text(doc, "detail");
        String said = detail != null ? detail : text(doc, "title");
        String suffix = said == null ? "" : ": " + said;
        Duration retryAfter = retryAfter(retryAfterHeader, clock);
        switch (status) {
            case 400: {
                List<FieldError> errors = fieldErrors(doc);
                StringBuilder msg = new StringBuilder("the sidecar rejected the request (400)").append(suffix);
                errors.forEach(e -> msg.append("; ").append(e.field()).append(": ").append(e.message()));
                return new InvalidRequestException(msg.toString(), type, errors);
            }
            case 401:
                return new UnauthorizedException("the sidecar at " + sidecar + " refused the API token (401): set "
                        + Wire.ENV_API_TOKEN + " to the sidecar's token (or " + Wire.ENV_API_TOKEN_FILE
                        + " to a file holding it)", type);
            case 404:
                if (ProblemType.NOT_FOUND.uri().equals(type)) {
                    return new NotFoundException("not found at " + sidecar + " (404)" + suffix, type);
                }
                // route-not-found, or a 404 that is no Patternkit problem at all: never "absent", which a caller may
                // take as an answer (an empty checkpoint); the URL is wrong.
                return new ProtocolException("the server at " + sidecar + " serves no such route (404"
                        + (type == null ? "" : " " + slugOf(type)) + ")" + suffix + "; point the SDK at a sidecar that "
                        + "runs this pattern (its --patterns; the pattern's own URL variable wins over "
                        + Wire.ENV_SIDECAR_URL + ")", 404, type, null);
            case 408:
                return new SidecarUnavailableException("the sidecar at " + sidecar + " stopped waiting for the request's "
                        + "body (408)" + suffix + "; the connection to it stalled, retry", 408, type, retryAfter, null);
            case 409:
                return new ConflictException("conflict (409)" + suffix, type, null);
            case 413:
                return new PayloadTooLargeException("the sidecar refused the request as too large (413)" + suffix
                        + "; send smaller items or pass large data by file reference", type);
            case 429:
                return new RateLimitedException("the sidecar at " + sidecar + " refuses this address for now (429)"
                        + suffix + "; it does so after too many failed authentications from it, so check the API token ("
                        + Wire.ENV_API_TOKEN + " or " + Wire.ENV_API_TOKEN_FILE + "); retry after "
                        + (retryAfter == null ? "a while" : retryAfter), type, retryAfter);
            case 501:
                return new NotImplementedException("the sidecar at " + sidecar + " cannot do this here (501)" + suffix,
                        type);
            case 503:
                return new SidecarUnavailableException("the sidecar at " + sidecar + " is unavailable (503)" + suffix
                        + "; its engine may be down or it is draining, retry later", 503, type, retryAfter, null);
            default:
                if (status == 500 && ProblemType.INTERNAL.uri().equals(type)) {
                    return new ProtocolException("the sidecar at " + sidecar + " failed on this call (500 internal)"
                            + suffix + ": a bug in the sidecar, not in the request; its log says more, please report it",
                            status, type, null);
                }
                return new ProtocolException("unexpected HTTP status " + status + " from " + sidecar + suffix, status,
                        type, null);
        }
    }

    /**
     * @param e an SDK exception
     * @return the problem slug of its type (such as {@code receipt-stale}), or null when it has none
     */
    public static String slug(PatternkitException e) {
        return e.problemType().map(Problems::slugOf).orElse(null);
    }

    private static String slugOf(String type) {
        return type.startsWith(ProblemType.URN_PREFIX) ? type.substring(ProblemType.URN_PREFIX.length()) : type;
    }

    /**
     * Parses a {@code Retry-After} header (RFC 9110 section 10.2.3): delay-seconds or an HTTP-date.
     *
     * @param header the raw header, or null
     * @param clock the clock an HTTP-date is compared with
     * @return the delay, never negative, or null when absent or malformed
     */
    static Duration retryAfter(String header, Clock clock) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.strip();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(clock.instant(),
                        ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode node = Json.mapper().readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(JsonNode doc, String field) {
        JsonNode n = doc == null ? null : doc.get(field);
        return n != null && n.isTextual() ? n.asText() : null;
    }

    private static List<FieldError> fieldErrors(JsonNode doc) {
        List<FieldError> errors = new ArrayList<>();
        JsonNode arr = doc == null ? null : doc.get("errors");
        if (arr != null && arr.isArray()) {
            for (JsonNode e : arr) {
                String field = text(e, "field");
                String message = text(e, "message");
                if (field != null && message != null) {
                    errors.add(new FieldError(field, message));
                }
            }
        }
        return errors;
    }
}

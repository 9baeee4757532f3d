package io.patternkit.management;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.patternkit.protocol.ProblemType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * What every {@link EndpointHost} refuses in a request body before an endpoint sees it, so that endpoints behave
 * the same on the SDK's server and on an application's web server: a body that is not JSON by its media type (415),
 * and text that is not well-formed: UTF-8 as RFC 3629 defines it (no overlong forms, no encoded surrogates, nothing
 * above U+10FFFF) and, as RFC 8259 section 8.1 requires of JSON, no string or member name holding an unpaired
 * surrogate such as a lone {@code \ud800} escape (400). Whether the JSON is well-formed is the endpoint's to say.
 */
public final class RequestBodies {
    private static final JsonFactory JSON = new JsonFactory();

    private RequestBodies() {
    }

    /**
     * @param contentType the request's {@code Content-Type} header, or null when it has none
     * @param body the body as received; empty when there is none
     * @return the problem answer to send instead of calling the endpoint ({@code unsupported-media-type} 415 or
     *     {@code invalid-request} 400), or empty when the endpoint should see the request
     */
    public static Optional<ManagementResponse> refusal(String contentType, byte[] body) {
        if (body.length == 0) {
            return Optional.empty();
        }
        if (!isJson(contentType)) {
            return Optional.of(ManagementResponse.problem(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "the body must be application/json"));
        }
        String malformed = malformedText(body);
        return malformed == null ? Optional.empty()
                : Optional.of(ManagementResponse.problem(ProblemType.INVALID_REQUEST, malformed));
    }

    /** @return why the body's text is malformed, or null when it is not (or is not JSON at all: the endpoint says) */
    private static String malformedText(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
        } catch (CharacterCodingException e) {
            return "the body is not valid UTF-8 text (RFC 3629)";
        }
        try (JsonParser parser = JSON.createParser(body)) {
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                // The JDK's UTF-8 encoder cannot encode an unpaired surrogate.
                if ((t == JsonToken.VALUE_STRING || t == JsonToken.FIELD_NAME)
                        && !StandardCharsets.UTF_8.newEncoder().canEncode(parser.getText())) {
                    return "the body holds an unpaired surrogate (an escape such as \\ud800 alone), which is not text";
                }
            }
        } catch (IOException notJson) {
            return null;
        }
        return null;
    }

    private static boolean isJson(String contentType) {
        String media = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return media.equals("application/json") || media.endsWith("+json");
    }
}

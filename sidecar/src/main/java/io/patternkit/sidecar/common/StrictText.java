package io.patternkit.sidecar.common;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;

/**
 * Text as RFC 8259 (section 8.1) and RFC 3629 require it, checked before anything is stored: a request body
 * must be well-formed UTF-8 (no overlong forms such as {@code C0 AF} for {@code /}, no encoded surrogates, nothing
 * above U+10FFFF: the JDK's decoder with {@link CodingErrorAction#REPORT}), and no string in the parsed document
 * may hold an unpaired surrogate, which a {@code \ud800} escape produces and no UTF-8 can store. A client that
 * sends either gets a 400 naming the member ({@code body} for a member name, which Jackson refuses as it
 * parses), never a silent substitution such as {@code ?}.
 */
public final class StrictText {
    private static final TokenStreamFactory LENIENT = new JsonFactory();

    private StrictText() {
    }

    /**
     * Decodes a body as strict UTF-8.
     *
     * @param body the raw bytes
     * @return the text
     * @throws ProblemException {@code invalid-request} naming the member whose text holds the first malformed
     *     byte ({@code body} when it lies outside any member)
     */
    public static String decode(byte[] body) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        try {
            return decoder.decode(in).toString();
        } catch (CharacterCodingException e) {
            // The decoder stops with the buffer's position at the first byte of the malformed sequence.
            throw JsonFields.invalid(memberAt(body, in.position()), "is not valid UTF-8 text (RFC 3629)");
        }
    }

    /**
     * Finds the first string value that holds an unpaired surrogate.
     *
     * @param document a parsed document
     * @return the path of the offending member ({@code body} for the document itself), or empty when every
     *     string is well-formed
     */
    public static Optional<String> unpairedSurrogate(JsonNode document) {
        return find(document, "");
    }

    private static Optional<String> find(JsonNode node, String path) {
        if (node.isString()) {
            return wellFormed(node.stringValue()) ? Optional.empty() : Optional.of(path.isEmpty() ? "body" : path);
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Optional<String> found = find(node.get(i), JsonFields.index(path, i));
                if (found.isPresent()) {
                    return found;
                }
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                // Member names need no look: Jackson refuses a broken surrogate pair in a name as it parses.
                Optional<String> found = find(member.getValue(), JsonFields.join(path, member.getKey()));
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /** @return whether every surrogate in {@code s} is half of a pair */
    static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** The member whose value or name holds byte {@code offset}, read with Jackson's lenient decoder up to it. */
    private static String memberAt(byte[] body, int offset) {
        String member = "body";
        try (JsonParser parser = LENIENT.createParser(ObjectReadContext.empty(), body)) {
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                if (parser.currentLocation().getByteOffset() > offset) {
                    return member;
                }
                member = path(parser.streamReadContext());
            }
        } catch (RuntimeException stopped) {
            // the malformed byte itself, or later junk: the last member reached is the one
        }
        return member;
    }

    private static String path(TokenStreamContext context) {
        Deque<TokenStreamContext> chain = new ArrayDeque<>();
        for (TokenStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            chain.push(c);
        }
        String path = "";
        for (TokenStreamContext c : chain) {
            if (c.inArray()) {
                path = JsonFields.index(path, Math.max(0, c.getCurrentIndex()));
            } else if (c.currentName() != null) {
                path = JsonFields.join(path, c.currentName());
            }
        }
        return path.isEmpty() ? "body" : path;
    }
}

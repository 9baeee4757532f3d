package io.patternkit.sidecar.common;

import io.patternkit.protocol.ProblemType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads typed, range-checked fields out of a parsed JSON body, collecting one {@link FieldError}
 * per offending field instead of failing at the first, so a client learns everything at once.
 * Not thread-safe; one instance per request. Shared by the work-queue, leader and scatter request parsers.
 */
public final class JsonFields {
    private final List<FieldError> errors = new ArrayList<>();

    /** Creates an empty error collector. */
    public JsonFields() {
    }

    /**
     * Parses a request body into one JSON document.
     *
     * @param mapper the mapper that reads it; whatever its settings, anything after the first document is refused
     * @param body the raw bytes, may be null or empty
     * @return the JSON tree, never null
     * @throws ProblemException {@code invalid-request} when the body is absent, not one JSON document, not
     *     well-formed UTF-8, or holds a string with an unpaired surrogate ({@link StrictText}); the last two
     *     name the member
     */
    public static JsonNode parse(JsonMapper mapper, byte[] body) {
        if (body == null || body.length == 0) {
            throw invalid("body", "a JSON body is required");
        }
        String text = StrictText.decode(body);
        JsonNode node;
        try (JsonParser parser = mapper.createParser(text)) {
            node = mapper.readTree(parser);
            if (parser.nextToken() != null) { // a second document, or anything else after the first
                throw invalid("body", "is not valid JSON");
            }
        } catch (JacksonException e) {
            throw invalid("body", "is not valid JSON");
        }
        if (node == null || node.isMissingNode()) {
            throw invalid("body", "a JSON body is required");
        }
        Optional<String> broken = StrictText.unpairedSurrogate(node);
        if (broken.isPresent()) {
            throw invalid(broken.get(), "holds an unpaired surrogate (an escape such as \\ud800 alone), which is not text");
        }
        return node;
    }

    /**
     * The values of every member called {@code member}, at any depth, exactly as the body writes them: the
     * bytes between the value's first and last character, with the client's spacing, escapes and number
     * forms, so what is stored is byte for byte what was sent (never a re-serialisation).
     *
     * @param factory the JSON factory of the mapper that parsed the body
     * @param body a body that {@link #parse} accepted
     * @param member the member's name, such as {@code payload}
     * @return each value's text by the member's path in this class's form ({@code payload},
     *     {@code items[2].payload}), in document order
     * @throws ProblemException {@code invalid-request} when the body is not JSON after all
     */
    public static Map<String, String> rawValues(TokenStreamFactory factory, byte[] body, String member) {
        Map<String, String> values = new LinkedHashMap<>();
        try (JsonParser p = factory.createParser(ObjectReadContext.empty(), body)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t != JsonToken.PROPERTY_NAME || !member.equals(p.currentName())) {
                    continue;
                }
                String path = join(pathOf(p.streamReadContext()), member);
                JsonToken value = p.nextToken();
                int start = (int) p.currentTokenLocation().getByteOffset();
                if (value.isStructStart()) {
                    p.skipChildren();
                } else {
                    p.finishToken(); // a scalar's end is known only once it is read whole
                }
                int end = (int) p.currentLocation().getByteOffset();
                values.put(path, new String(body, start, end - start, StandardCharsets.UTF_8));
            }
        } catch (JacksonException e) {
            throw invalid("body", "is not valid JSON");
        }
        return values;
    }

    /** @return the path of the object or array a parsing context reads, in this class's form ("" for the body) */
    private static String pathOf(TokenStreamContext container) {
        TokenStreamContext parent = container.getParent();
        if (parent == null || parent.inRoot()) {
            return "";
        }
        String up = pathOf(parent);
        return parent.inArray() ? index(up, parent.getCurrentIndex()) : join(up, parent.currentName());
    }

    /**
     * @param field the offending field
     * @param message what is wrong, never echoing the value
     * @return an {@code invalid-request} problem naming one field
     */
    public static ProblemException invalid(String field, String message) {
        return new ProblemException(ProblemType.INVALID_REQUEST, field + " " + message, List.of(new FieldError(field, message)));
    }

    /**
     * Reads a whole-number query parameter within a range.
     *
     * @param name the parameter, named in the problem
     * @param value its value as sent, or {@code null} when absent
     * @param fallback the value when absent
     * @param min the lowest value allowed
     * @param max the highest value allowed
     * @return the value
     * @throws ProblemException {@code invalid-request} naming the parameter when it is not a whole number in range
     */
    public static int queryInt(String name, String value, int fallback, int min, int max) {
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(name, "must be an integer between " + min + " and " + max);
    }

    /** @throws ProblemException {@code invalid-request} listing the recorded errors, when there are any */
    public void throwIfInvalid() {
        if (!errors.isEmpty()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST,
                    "the request has " + errors.size() + " invalid field(s)", errors);
        }
    }

    /**
     * Records an offending field.
     *
     * @param field the field's path, such as {@code hedging.minDelayMs}
     * @param message what is wrong, never echoing the value
     */
    public void error(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    /**
     * Checks that {@code node} is an object whose members are all in {@code allowed}, recording an error for it or for
     * each unknown member.
     *
     * @param node the value, or null when absent
     * @param path where it is, for the errors' field names ({@code ""} at the top level)
     * @param allowed the members it may have
     * @return true when it is an object (unknown members recorded, if any), false when it is not
     */
    public boolean object(JsonNode node, String path, Set<String> allowed) {
        if (node == null || !node.isObject()) {
            error(path, "must be a JSON object");
            return false;
        }
        node.propertyNames().forEach(name -> {
            if (!allowed.contains(name)) {
                error(join(path, name), "unknown field");
            }
        });
        return true;
    }

    /**
     * An integer member within {@code [min, max]}.
     *
     * @param object the object holding it
     * @param path the object's path, for the error's field name
     * @param name the member's name
     * @param min the least value allowed
     * @param max the greatest value allowed
     * @param fallback what an absent member stands for, possibly null
     * @return the value, {@code fallback} when absent, or null after an error (recorded)
     */
    public Long integer(JsonNode object, String path, String name, long min, long max, Long fallback) {
        JsonNode value = object.get(name);
        if (value == null) {
            return fallback;
        }
        if (!value.isIntegralNumber()) {
            error(join(path, name), "must be an integer");
            return null;
        }
        long n = value.canConvertToLong() ? value.longValue() : Long.MAX_VALUE;
        if (!value.canConvertToLong() || n < min || n > max) {
            error(join(path, name), "must be between " + min + " and " + max);
            return null;
        }
        return n;
    }

    /**
     * A string member of {@code minLength..maxLength} characters (code points, as {@link #length} counts them).
     *
     * @param object the object holding it
     * @param path the object's path, for the error's field name
     * @param name the member's name
     * @param minLength the fewest characters allowed
     * @param maxLength the most characters allowed
     * @param required whether an absent member is an error
     * @return the text, or null when absent or after an error (recorded)
     */
    public String string(JsonNode object, String path, String name, int minLength, int maxLength, boolean required) {
        JsonNode value = object.get(name);
        if (value == null) {
            if (required) {
                error(join(path, name), "is required");
            }
            return null;
        }
        if (!value.isString()) {
            error(join(path, name), "must be a string");
            return null;
        }
        String text = value.stringValue();
        int length = length(text);
        if (length < minLength || length > maxLength) {
            error(join(path, name), "must be " + minLength + " to " + maxLength + " characters long");
            return null;
        }
        return text;
    }

    /**
     * The length of a string as JSON Schema's {@code minLength} and {@code maxLength} count it: in characters
     * (Unicode code points, RFC 8259), so an emoji counts once, not as its two UTF-16 chars.
     *
     * @param text the string
     * @return its length in code points
     */
    public static int length(String text) {
        return text.codePointCount(0, text.length());
    }

    /**
     * A boolean member.
     *
     * @param object the object holding it
     * @param path the object's path, for the error's field name
     * @param name the member's name
     * @param fallback what an absent member stands for
     * @return the value; {@code fallback} when absent or after an error (recorded)
     */
    public boolean bool(JsonNode object, String path, String name, boolean fallback) {
        JsonNode value = object.get(name);
        if (value == null) {
            return fallback;
        }
        if (!value.isBoolean()) {
            error(join(path, name), "must be a boolean");
            return fallback;
        }
        return value.booleanValue();
    }

    /**
     * An array member of {@code minItems..maxItems} elements.
     *
     * @param object the object holding it
     * @param path the object's path, for the error's field name
     * @param name the member's name
     * @param minItems the fewest elements allowed
     * @param maxItems the most elements allowed
     * @param required whether an absent member is an error
     * @return the array, or null when absent or after an error (recorded)
     */
    public JsonNode array(JsonNode object, String path, String name, int minItems, int maxItems, boolean required) {
        JsonNode value = object.get(name);
        if (value == null) {
            if (required) {
                error(join(path, name), "is required");
            }
            return null;
        }
        if (!value.isArray()) {
            error(join(path, name), "must be an array");
            return null;
        }
        if (value.size() < minItems || value.size() > maxItems) {
            error(join(path, name), "must have " + minItems + " to " + maxItems + " elements");
            return null;
        }
        return value;
    }

    /**
     * @param path an object's path, {@code ""} at the top level
     * @param name a member's name
     * @return {@code path.name}, or {@code name} at the top level
     */
    public static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /**
     * @param path an array's path
     * @param i an element's index
     * @return {@code path[i]}
     */
    public static String index(String path, int i) {
        return path + "[" + i + "]";
    }
}

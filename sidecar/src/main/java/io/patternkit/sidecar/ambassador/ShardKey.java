package io.patternkit.sidecar.ambassador;

import io.vertx.core.http.HttpServerRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where an upstream's requests carry the key that picks their shard, written {@code header:NAME},
 * {@code query:NAME} or {@code path:N} (the N-th path segment, 1-based), percent-decoded strictly as UTF-8, as
 * Envoy's ring-hash policy names a header or query parameter to hash. {@link #NONE} for an upstream
 * of one shard.
 *
 * @param source header, query or path; {@code none} for {@link #NONE}
 * @param name the header or parameter name, or the segment number
 */
public record ShardKey(String source, String name) {
    /** No key: the upstream has one shard. */
    public static final ShardKey NONE = new ShardKey("none", "");

    /**
     * Reads {@code header:NAME}, {@code query:NAME} or {@code path:N}.
     *
     * @param text the written form
     * @return the key's place
     * @throws IllegalArgumentException when the form is not one of those, saying what is expected
     */
    public static ShardKey parse(String text) {
        int colon = text.indexOf(':');
        String source = colon < 0 ? "" : text.substring(0, colon);
        String name = colon < 0 ? "" : text.substring(colon + 1);
        boolean ok = switch (source) {
            case "header", "query" -> !name.isEmpty() && name.chars().allMatch(c -> c > ' ' && c < 127);
            case "path" -> name.matches("[1-9][0-9]{0,2}");
            default -> false;
        };
        if (!ok) {
            throw new IllegalArgumentException("shard key '" + text + "' must be header:NAME, query:NAME or path:N (N from 1)");
        }
        return new ShardKey(source, name);
    }

    /**
     * @param request the app's request
     * @return the key the request carries, decoded as UTF-8; empty when it carries none (or this is {@link #NONE})
     * @throws IllegalArgumentException when the key is not valid percent-encoding of UTF-8 (or, in a
     *     header, not UTF-8), so that the app gets a 400 rather than a key hashed from a guess
     */
    public Optional<String> of(HttpServerRequest request) {
        return switch (source) {
            case "header" -> Optional.ofNullable(request.getHeader(name))
                    .map(v -> strictUtf8(v.getBytes(StandardCharsets.ISO_8859_1))); // Vert.x reads header bytes as Latin-1
            case "query" -> query(request.query(), name);
            case "path" -> segment(request.path(), Integer.parseInt(name));
            default -> Optional.empty();
        };
    }

    private static Optional<String> query(String rawQuery, String wanted) {
        if (rawQuery == null) {
            return Optional.empty();
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq), true);
            if (key.equals(wanted)) {
                return Optional.of(eq < 0 ? "" : decode(pair.substring(eq + 1), true));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> segment(String path, int n) {
        String[] segments = path == null ? new String[0] : path.split("/", -1);
        // segments[0] is the empty text before the leading '/'
        if (n >= segments.length || segments[n].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(decode(segments[n], false));
    }

    /**
     * Percent-decodes strictly (RFC 3986): every {@code %} starts two hex digits, and the bytes are
     * UTF-8; {@code +} is a space in a query (the form encoding) and itself in a path.
     */
    static String decode(String raw, boolean plusIsSpace) {
        byte[] out = new byte[raw.length()];
        int n = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() || Character.digit(raw.charAt(i + 1), 16) < 0 || Character.digit(raw.charAt(i + 2), 16) < 0) {
                    throw new IllegalArgumentException("'%' must start two hex digits");
                }
                out[n++] = (byte) (Character.digit(raw.charAt(i + 1), 16) * 16 + Character.digit(raw.charAt(i + 2), 16));
                i += 2;
            } else if (c > 0x7F) {
                throw new IllegalArgumentException("characters beyond ASCII must be percent-encoded");
            } else {
                out[n++] = (byte) (c == '+' && plusIsSpace ? ' ' : c);
            }
        }
        return strictUtf8(java.util.Arrays.copyOf(out, n));
    }

    private static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not valid UTF-8");
        }
    }

    @Override
    public String toString() {
        return "none".equals(source) ? "none" : source + ":" + name;
    }
}

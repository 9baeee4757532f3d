package io.patternkit.sidecar.ambassador;

import io.vertx.core.http.HttpServerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where an upstream's requests carry the key that picks their shard, written {@code header:NAME},
 * {@code query:NAME} or {@code path:N} (the N-th path segment, 1-based, percent-decoded), as
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
     * @return the key the request carries; empty when it carries none (or this is {@link #NONE})
     */
    public Optional<String> of(HttpServerRequest request) {
        return switch (source) {
            case "header" -> Optional.ofNullable(request.getHeader(name));
            case "query" -> Optional.ofNullable(request.getParam(name));
            case "path" -> segment(request.path(), Integer.parseInt(name));
            default -> Optional.empty();
        };
    }

    private static Optional<String> segment(String path, int n) {
        String[] segments = path == null ? new String[0] : path.split("/", -1);
        // segments[0] is the empty text before the leading '/'
        if (n >= segments.length || segments[n].isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(URLDecoder.decode(segments[n].replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.of(segments[n]); // a malformed escape: hash the segment as sent
        }
    }

    @Override
    public String toString() {
        return this == NONE || "none".equals(source) ? "none" : source + ":" + name;
    }
}

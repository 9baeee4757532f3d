package io.patternkit.server.security;

import io.vertx.core.http.HttpMethod;
import java.util.Set;

/**
 * The {@code method} tag of a server's request metrics, with a bounded set of values: the methods of RFC 9110 and
 * PATCH (RFC 5789) by name, any other as {@value #OTHER}, as OpenTelemetry's HTTP semantic conventions record
 * {@code http.request.method}. The HTTP decoder accepts any token as a method, and every tag value is a time series
 * kept for the process's life, so a stranger sending {@code AAAA1 /}, {@code AAAA2 /}, ... before any
 * authentication would otherwise grow the server's memory and its scrapes without bound.
 */
public final class MethodTag {
    /** The tag value of every method not named in RFC 9110 or RFC 5789. */
    public static final String OTHER = "_OTHER";
    private static final Set<String> KNOWN = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
            "TRACE", "PATCH");

    private MethodTag() {
    }

    /**
     * @param method a request's method; not null
     * @return its name when it is one of the standard methods, else {@value #OTHER}
     */
    public static String of(HttpMethod method) {
        String name = method.name();
        return KNOWN.contains(name) ? name : OTHER;
    }
}

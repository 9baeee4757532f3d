package io.patternkit.sidecar.ambassador;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The header fields that belong to one connection rather than to the message, which a proxy removes before it
 * forwards a request or an answer (RFC 9110 section 7.6.1): a fixed list, and every field the message's own
 * {@code Connection} field names as a connection option. vertx-http-proxy removes a list of its own from requests
 * only (without {@code Proxy-Connection} or the options {@code Connection} names); the ambassador applies this to
 * the app's requests, the upstream's answers and the copies it mirrors.
 */
final class HopByHop {
    /** RFC 9110 section 7.6.1's fields, and those RFC 2616 section 13.5.1 named too (the proxy authentication pair, {@code Trailer}). */
    private static final List<String> FIELDS = List.of("Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
            "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade");

    private HopByHop() {
    }

    /**
     * The connection's fields of one message.
     *
     * @param headers the message's headers as received, not null
     * @return the fixed list and the options its {@code Connection} fields name, compared without regard to case
     */
    private static Set<String> of(MultiMap headers) {
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        names.addAll(FIELDS);
        names.addAll(connectionOptions(headers));
        return names;
    }

    /**
     * The fields a message's {@code Connection} fields name (RFC 9110 section 7.6.1: a comma-separated list of
     * options, possibly over several fields).
     *
     * @param headers the message's headers as received, not null
     * @return the options as named, trimmed, without empty ones; empty when there is no {@code Connection} field
     */
    private static Set<String> connectionOptions(MultiMap headers) {
        Set<String> options = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (String field : headers.getAll(HttpHeaders.CONNECTION)) {
            for (String option : field.split(",")) {
                if (!option.isBlank()) {
                    options.add(option.trim());
                }
            }
        }
        return options;
    }

    /**
     * Removes a message's connection fields, as {@link #of} finds them, from its headers.
     *
     * @param headers the headers to forward, changed in place, not null
     */
    static void remove(MultiMap headers) {
        of(headers).forEach(headers::remove);
    }
}

package io.patternkit.sidecar.ambassador;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The header fields that belong to one connection rather than to the message, which a proxy removes before it
 * forwards a request or an answer (RFC 9110 section 7.6.1): the fixed list, and every field the message's own
 * {@code Connection} field names as a connection option. vertx-http-proxy removes the fixed list from requests
 * only; the ambassador applies this to the upstream's answers, to the options an app's request names, and to the
 * copies it mirrors.
 */
final class HopByHop {
    /** RFC 9110 section 7.6.1's fields, and {@code Proxy-Connection}, which some clients still send. */
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
    static Set<String> of(MultiMap headers) {
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
    static Set<String> connectionOptions(MultiMap headers) {
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

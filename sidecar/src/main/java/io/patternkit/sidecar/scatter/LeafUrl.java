package io.patternkit.sidecar.scatter;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * The one rule for a URL the root POSTs to: a leaf's (registered over the API or given with {@code --leaf}) and a
 * scatter call's {@code mergeUrl}. It must be an absolute {@code http} or {@code https} URL (the OpenAPI contract's
 * {@code LeafUrl}) whose host is a hostname (RFC 1123: letters, digits, hyphens and dots, so no underscore, which
 * {@link URI} does not read as a host) or an IP literal, and whose port, if it has one, is 1 to 65535. A URL that
 * breaks it is refused where it is given, so that it cannot fail later, in a scatter call that did nothing wrong.
 */
final class LeafUrl {
    /** The longest URL, in characters. */
    static final int MAX_LENGTH = 2048;
    /** What the rule asks for, for error messages. */
    static final String RULE = "must be an absolute http or https URL with a hostname (no underscore) or IP literal "
            + "and a port of 1 to 65535, if any";
    private static final Pattern SHAPE = Pattern.compile("[hH][tT][tT][pP][sS]?://[^\\s]+");

    private LeafUrl() {
    }

    /**
     * @param url the URL as given; not null
     * @return the URL, parsed
     * @throws IllegalArgumentException saying {@link #RULE} when the URL breaks it
     */
    static URI parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(RULE, e);
        }
        if (url.length() > MAX_LENGTH || !SHAPE.matcher(url).matches() || uri.getHost() == null
                || uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new IllegalArgumentException(RULE);
        }
        return uri;
    }
}

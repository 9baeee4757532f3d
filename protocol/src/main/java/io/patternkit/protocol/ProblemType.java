package io.patternkit.protocol;

import java.util.Arrays;
import java.util.Optional;

/**
 * The stable problem types of the Patternkit wire, as carried in the {@code type} member of an
 * RFC 9457 {@code application/problem+json} document ({@code urn:patternkit:problem:<slug>}).
 *
 * <p>Each type has one HTTP status. Clients should branch on the type, never on the title or
 * detail text, which may change between versions.
 */
public enum ProblemType {
    /** 400: the request body, a parameter or the path is malformed or out of range. */
    INVALID_REQUEST("invalid-request", 400, "Invalid request"),
    /** 401: the API token is missing or wrong. */
    UNAUTHORIZED("unauthorized", 401, "Unauthorized"),
    /** 404: no such resource (a checkpoint never saved, a pool without leaves, an unknown upstream or log source). */
    NOT_FOUND("not-found", 404, "Not found"),
    /**
     * 404: the server serves no route at this path: the URL is wrong, or it names a sidecar that does not run the
     * pattern (not in its {@code --patterns}). Kept apart from {@link #NOT_FOUND}, which says a resource is absent on a
     * route that exists, so that a client pointed at the wrong sidecar does not read "absent" (as Envoy's {@code NR}
     * response flag keeps "no route" apart from an upstream's 404).
     */
    ROUTE_NOT_FOUND("route-not-found", 404, "Route not found"),
    /** 405: the route exists but not with this method. */
    METHOD_NOT_ALLOWED("method-not-allowed", 405, "Method not allowed"),
    /** 415: the body is not {@code application/json}. */
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", 415, "Unsupported media type"),
    /** 409: the receipt is no longer the item's latest (acked, redelivered, or expired and reclaimed). */
    RECEIPT_STALE("receipt-stale", 409, "Receipt is stale"),
    /** 409: the caller does not hold the election's lease in the term it named (expired, taken over, or never held). */
    LEASE_LOST("lease-lost", 409, "Lease lost"),
    /** 409: a checkpoint's version is not the one the write expected (another writer came first). */
    VERSION_CONFLICT("version-conflict", 409, "Version conflict"),
    /**
     * 409: the write's fencing token is older than the newest the resource has seen: a newer leader has
     * taken over, and nothing the old term writes is accepted any more.
     */
    FENCING_TOKEN_STALE("fencing-token-stale", 409, "Fencing token stale"),
    /** 414: the request line (the path and query) is longer than the server reads; nothing was done. */
    URI_TOO_LONG("uri-too-long", 414, "URI too long"),
    /** 431: the request's headers are larger than the server reads; nothing was done. */
    HEADERS_TOO_LARGE("headers-too-large", 431, "Request header fields too large"),
    /**
     * 408: the request's body did not arrive whole in the time the server waits for it after the headers (a client
     * that stalled or trickles it); nothing was done, and the server closes the connection after the answer.
     */
    REQUEST_TIMEOUT("request-timeout", 408, "Request timeout"),
    /** 413: the body or one item's payload is larger than the sidecar accepts. */
    PAYLOAD_TOO_LARGE("payload-too-large", 413, "Payload too large"),
    /**
     * 429: this address is refused until the {@code Retry-After} header's delay passes; the sidecar sends it to an
     * address off loopback that failed authentication too often.
     */
    RATE_LIMITED("rate-limited", 429, "Too many requests"),
    /** 503: the engine did not answer (down, unreachable, or a lock held too long); retry after {@code Retry-After}. */
    ENGINE_UNAVAILABLE("engine-unavailable", 503, "Engine unavailable"),
    /** 500: a bug in the sidecar. Client input never produces it. */
    INTERNAL("internal", 500, "Internal error"),
    /**
     * 504: a scatter leaf gave up because the budget in {@code Patternkit-Deadline-Ms} passed
     * (the root records the shard's attempt as failed).
     */
    DEADLINE_EXCEEDED("deadline-exceeded", 504, "Deadline exceeded"),
    /**
     * 500: a scatter leaf's handler failed on the request; the root records the shard's attempt as
     * failed with the problem's detail and may fail over to another replica.
     */
    LEAF_FAILED("leaf-failed", 500, "Leaf failed"),
    /**
     * 500: a merge container's merge failed on the parts the root sent; the root leaves {@code merged}
     * out of the scatter's result and gives the detail as {@code mergeError}.
     */
    MERGE_FAILED("merge-failed", 500, "Merge failed"),
    /**
     * 503: the ambassador found no endpoint of the request's shard that could take it (each refused
     * the connection, failed, or is ejected with its circuit open), or its retry budget is spent;
     * the detail names the upstream, the shard and why. Retry after {@code Retry-After}.
     */
    UPSTREAM_UNAVAILABLE("upstream-unavailable", 503, "Upstream unavailable"),
    /** 504: the ambassador's overall timeout for the request passed before an upstream answered. */
    UPSTREAM_TIMEOUT("upstream-timeout", 504, "Upstream timeout"),
    /**
     * 503: a health check the adapter runs against its app is failing (or, for readiness, has not
     * passed yet); the detail and the {@code checks} member name each such check and why.
     */
    CHECK_FAILED("check-failed", 503, "Check failed"),
    /**
     * 501: the request is valid but this deployment cannot do it, such as changing a logger's level when the
     * application's logging backend is not Logback; the detail says what is missing. Retrying does not help.
     */
    NOT_IMPLEMENTED("not-implemented", 501, "Not implemented");

    /** The prefix of every Patternkit problem type URI. */
    public static final String URN_PREFIX = "urn:patternkit:problem:";

    private final String slug;
    private final int status;
    private final String title;

    ProblemType(String slug, int status, String title) {
        this.slug = slug;
        this.status = status;
        this.title = title;
    }

    /** @return the short name, such as {@code receipt-stale} */
    public String slug() {
        return slug;
    }

    /** @return the full type URI, such as {@code urn:patternkit:problem:receipt-stale} */
    public String uri() {
        return URN_PREFIX + slug;
    }

    /** @return the HTTP status code that always accompanies this type */
    public int status() {
        return status;
    }

    /** @return a short human-readable summary that does not change from occurrence to occurrence */
    public String title() {
        return title;
    }

    /**
     * Finds the problem type for a {@code type} URI read off the wire.
     *
     * @param uri the {@code type} member of a problem document; may be {@code null}
     * @return the matching type, or empty when the URI is null or not a Patternkit type
     */
    public static Optional<ProblemType> fromUri(String uri) {
        if (uri == null) {
            return Optional.empty();
        }
        return Arrays.stream(values()).filter(t -> t.uri().equals(uri)).findFirst();
    }
}

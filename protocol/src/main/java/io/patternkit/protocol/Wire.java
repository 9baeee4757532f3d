package io.patternkit.protocol;

import java.util.regex.Pattern;

/**
 * Constants of the Patternkit wire shared by every sidecar and every client: paths, headers,
 * environment variable names, default ports and limits. The OpenAPI document at
 * {@link #OPENAPI_RESOURCE} is the source of truth; these constants mirror it.
 */
public final class Wire {
    private Wire() {
    }

    /** Classpath location of the OpenAPI 3.0.3 contract. */
    public static final String OPENAPI_RESOURCE = "io/patternkit/protocol/openapi.yaml";

    /** Media type of RFC 9457 problem documents. */
    public static final String PROBLEM_JSON = "application/problem+json";

    /** Environment variable holding the shared API token. */
    public static final String ENV_API_TOKEN = "PATTERNKIT_API_TOKEN";
    /** Environment variable naming a file that holds the shared API token (a Kubernetes Secret volume). */
    public static final String ENV_API_TOKEN_FILE = "PATTERNKIT_API_TOKEN_FILE";
    /** Environment variable with the base URL of the leader-election sidecar. */
    public static final String ENV_LEADER_URL = "PATTERNKIT_LEADER_URL";
    /** Environment variable with the base URL of the scatter/gather root sidecar. */
    public static final String ENV_SCATTER_URL = "PATTERNKIT_SCATTER_URL";
    /** Environment variable with the base URL of the work-queue sidecar. */
    public static final String ENV_WORKQUEUE_URL = "PATTERNKIT_WORKQUEUE_URL";
    /** Environment variable with the directory of the embedded engine's data. */
    public static final String ENV_DATA = "PATTERNKIT_DATA";

    /** Default loopback port of the leader-election sidecar. */
    public static final int DEFAULT_LEADER_PORT = 7310;
    /** Default loopback port of the scatter/gather root sidecar. */
    public static final int DEFAULT_SCATTER_PORT = 7312;
    /** Default loopback port of the work-queue sidecar. */
    public static final int DEFAULT_WORKQUEUE_PORT = 7311;

    /** Longest long-poll a client may ask for, in milliseconds. */
    public static final long MAX_WAIT_MS = 20_000;
    /** Most elements in one batch request. */
    public static final int MAX_BATCH = 1_000;
    /** Longest visibility timeout, in milliseconds (12 hours, as in SQS). */
    public static final long MAX_VISIBILITY_MS = 43_200_000;
    /** Longest enqueue delay, in milliseconds (7 days). */
    public static final long MAX_DELAY_MS = 604_800_000;

    /**
     * Allowed election names: a DNS-1123 label of at most 63 lower-case letters, digits, {@code -}
     * and {@code .}, so that every engine (including a Kubernetes Lease) can store it as is.
     */
    public static final Pattern ELECTION_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?");
    /** Allowed candidate ids: 1 to 253 letters, digits, {@code .}, {@code _}, {@code :}, {@code @} and {@code -}, starting alphanumeric. */
    public static final Pattern CANDIDATE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,252}");

    /** Allowed queue names: 1 to 128 letters, digits, {@code .}, {@code _} and {@code -}. */
    public static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");
}

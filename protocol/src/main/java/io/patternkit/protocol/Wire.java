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
    /**
     * Environment variable naming a PEM file of the certificate authorities an app trusts for an {@code https}
     * sidecar URL (a sidecar serving TLS, such as a mounted cert-manager {@code ca.crt}); default the JVM's.
     */
    public static final String ENV_SIDECAR_CA_FILE = "PATTERNKIT_SIDECAR_CA_FILE";
    /**
     * Environment variable with the base URL of the one sidecar beside the app that serves every
     * pattern ({@code patternkit-sidecar run}); a pattern's own variable, when set, wins over it.
     */
    public static final String ENV_SIDECAR_URL = "PATTERNKIT_SIDECAR_URL";
    /** Environment variable with the base URL of the leader-election sidecar. */
    public static final String ENV_LEADER_URL = "PATTERNKIT_LEADER_URL";
    /** Environment variable with the base URL of the scatter/gather root sidecar. */
    public static final String ENV_SCATTER_URL = "PATTERNKIT_SCATTER_URL";
    /** Environment variable with the base URL of the work-queue sidecar. */
    public static final String ENV_WORKQUEUE_URL = "PATTERNKIT_WORKQUEUE_URL";
    /** Environment variable: the URL of the sidecar that keeps checkpoints, when not the one of {@link #ENV_SIDECAR_URL}. */
    public static final String ENV_CHECKPOINT_URL = "PATTERNKIT_CHECKPOINT_URL";
    /** Environment variable: the URL of the sidecar that scales the workload, when not the one of {@link #ENV_SIDECAR_URL}. */
    public static final String ENV_SCALE_URL = "PATTERNKIT_SCALE_URL";
    /** Environment variable with the directory of the embedded engine's data. */
    public static final String ENV_DATA = "PATTERNKIT_DATA";

    /** Default loopback port of the one sidecar that serves every pattern ({@code patternkit-sidecar run}). */
    public static final int DEFAULT_SIDECAR_PORT = 7300;
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
    /** Longest item id a request may name, in characters (ids the sidecar issues are decimal numbers). */
    public static final int MAX_ITEM_ID_LENGTH = 64;
    /** Longest visibility timeout, in milliseconds (12 hours, as in SQS). */
    public static final long MAX_VISIBILITY_MS = 43_200_000;
    /** Longest enqueue delay, in milliseconds (7 days). */
    public static final long MAX_DELAY_MS = 604_800_000;

    /** Allowed election names: {@link NameRule#ELECTION}. */
    public static final Pattern ELECTION_NAME = NameRule.ELECTION.pattern();
    /** Allowed candidate ids: {@link NameRule#CANDIDATE_ID}. */
    public static final Pattern CANDIDATE_ID = NameRule.CANDIDATE_ID.pattern();

    /** Allowed queue names: {@link NameRule#QUEUE}. */
    public static final Pattern QUEUE_NAME = NameRule.QUEUE.pattern();

    /** Allowed scatter pool names: {@link NameRule#POOL}. */
    public static final Pattern POOL_NAME = NameRule.POOL.pattern();
    /** Allowed leaf ids: {@link NameRule#LEAF_ID}. */
    public static final Pattern LEAF_ID = NameRule.LEAF_ID.pattern();
    /** Allowed shard names: {@link NameRule#SHARD}. */
    public static final Pattern SHARD_NAME = NameRule.SHARD.pattern();

    /** Media type of a streamed scatter answer: one JSON document per line. */
    public static final String NDJSON = "application/x-ndjson";
    /** Header of a leaf call: the budget left for the call, in milliseconds, when the root sent it. */
    public static final String HEADER_DEADLINE_MS = "Patternkit-Deadline-Ms";
    /** Header of a leaf call: the id of the scatter call it belongs to. */
    public static final String HEADER_SCATTER_ID = "Patternkit-Scatter-Id";
    /** Header of a leaf call: 1 for a shard's first request in a scatter, 2 and up for hedges and failovers. */
    public static final String HEADER_ATTEMPT = "Patternkit-Attempt";
    /** Path prefix of the Java SDK's leaf endpoint, followed by the pool name; a leaf may serve any path. */
    public static final String LEAF_PATH_PREFIX = "/patternkit/leaf/";
    /** The application's drain endpoint on its management server (the termination notice, a {@code preStop} hook). */
    public static final String DRAIN_PATH = "/patternkit/lifecycle/drain";
    /** The application's probes on its management server: {@code live} and {@code ready}; they need no token. */
    public static final String APP_HEALTH_PREFIX = "/patternkit/health/";
    /** The longest drain deadline the management server accepts, in milliseconds (one hour). */
    public static final long MAX_DRAIN_DEADLINE_MS = 3_600_000;

    /** Default overall scatter deadline, in milliseconds. */
    public static final long DEFAULT_SCATTER_DEADLINE_MS = 1_000;
    /** Longest scatter deadline (and leaf timeout, and merge timeout), in milliseconds. */
    public static final long MAX_SCATTER_DEADLINE_MS = 60_000;
    /** Default leaf registration TTL, in milliseconds. */
    public static final long DEFAULT_LEAF_TTL_MS = 10_000;
    /** Shortest leaf registration TTL, in milliseconds. */
    public static final long MIN_LEAF_TTL_MS = 1_000;
    /** Longest leaf registration TTL, in milliseconds. */
    public static final long MAX_LEAF_TTL_MS = 300_000;
    /** Most shards one scatter call may name. */
    public static final int MAX_SCATTER_SHARDS = 1_000;
}

package io.patternkit.scatter;

/**
 * Names of the Micrometer meters of the scatter SDK, in one place. The HTTP calls to the root sidecar
 * are measured by {@link io.patternkit.core.ClientMetrics} (operation {@code scatter}, {@code registerLeaf},
 * ...), and the leaf endpoint's requests by {@link io.patternkit.management.ManagementServer#REQUESTS}.
 */
public final class ScatterMetrics {
    private ScatterMetrics() {
    }

    /** Tag: the pool. */
    public static final String TAG_POOL = "pool";
    /** Tag: a shard status ({@code answered}, {@code failed}, {@code timedOut}, {@code skipped}) or leaf outcome. */
    public static final String TAG_STATUS = "status";
    /** Tag of {@link #GATHERS}: {@code true} when every shard answered. */
    public static final String TAG_COMPLETE = "complete";
    /** Timer (root side): scatters that returned a result, tagged {@link #TAG_POOL} and {@link #TAG_COMPLETE}. */
    public static final String GATHERS = "patternkit.scatter.gathers";
    /** Counter (root side): shard outcomes, tagged {@link #TAG_POOL} and {@link #TAG_STATUS}. */
    public static final String SHARDS = "patternkit.scatter.gather.shards";
    /**
     * Timer (leaf side): handler calls, tagged {@link #TAG_POOL} and {@link #TAG_STATUS}: {@code answered},
     * {@code failed} (the handler threw) or {@code cancelled} (the root gave up before the handler returned).
     */
    public static final String LEAF_CALLS = "patternkit.scatter.leaf.calls";
    /**
     * Timer (merge container side): merge calls, tagged {@link #TAG_POOL} and {@link #TAG_STATUS}:
     * {@code merged}, {@code failed} (the handler threw) or {@code invalid} (the call could not be read).
     */
    public static final String MERGE_CALLS = "patternkit.scatter.merge.calls";
    /** Counter (leaf side): registration heartbeats, tagged {@link #TAG_POOL} and {@link #TAG_STATUS} ({@code ok}, {@code failed}). */
    public static final String LEAF_HEARTBEATS = "patternkit.scatter.leaf.heartbeats";
}

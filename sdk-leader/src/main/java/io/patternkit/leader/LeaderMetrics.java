package io.patternkit.leader;

/**
 * Names of the Micrometer meters a {@link Leadership} handle publishes, each tagged {@link #TAG_ELECTION}. They
 * leave the registry when the handle closes (when the last open handle of the election there closes).
 * They are named {@code patternkit.leadership.*}, apart from the leader sidecar's own
 * {@code patternkit.leader.*}, so that the app's and the sidecar's series never share a name.
 * The client calls underneath are measured by {@link io.patternkit.core.ClientMetrics}.
 */
public final class LeaderMetrics {
    private LeaderMetrics() {
    }

    /** Tag: the election's name. */
    public static final String TAG_ELECTION = "election";
    /**
     * Gauge: 1 while a handle of the election leads (exactly: read from the clock against the renew deadline), else 0;
     * the handles of an election that share a registry share the gauge, which counts those that lead (two handles
     * with one candidate id, which the lease cannot tell apart, would read 2).
     */
    public static final String IS_LEADER = "patternkit.leadership.is.leader";
    /** Counter: terms won (each {@code elected} event). */
    public static final String ELECTIONS_WON = "patternkit.leadership.elections.won";
    /** Counter: terms ended, tagged {@link #TAG_REASON}. */
    public static final String REVOCATIONS = "patternkit.leadership.revocations";
    /** Timer: renew calls, tagged {@link #TAG_OUTCOME}. */
    public static final String RENEW = "patternkit.leadership.renew";
    /** Tag of {@link #REVOCATIONS}: the {@link RevocationReason} in lower case with dashes, such as {@code lease-lost}. */
    public static final String TAG_REASON = "reason";
    /** Tag of {@link #RENEW}: {@code success}, {@code lease-lost} or {@code failure}. */
    public static final String TAG_OUTCOME = "outcome";
}

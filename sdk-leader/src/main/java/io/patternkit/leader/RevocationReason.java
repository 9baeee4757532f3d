package io.patternkit.leader;

/** Why a {@link Leadership} stopped being leader; passed to {@link LeadershipListener#revoked}. */
public enum RevocationReason {
    /**
     * Renewals did not succeed before the local renew deadline (the send time of the last successful renew
     * plus its {@code validFor}). Fired from the deadline on, before the engine's lease can expire, so a
     * successor is never elected while this process still believes it leads (clocks and pauses aside; see
     * {@link LeadershipListener}).
     */
    RENEW_DEADLINE_PASSED,
    /** A renew answered 409 {@code lease-lost}: the sidecar no longer counts this candidate as the holder. */
    LEASE_LOST,
    /** A watch showed another holder, another term, or a vacancy: the lease ended without this candidate. */
    LEADER_CHANGED,
    /**
     * The {@link LeadershipListener#elected} callback threw: a leader that cannot start its work gives the term up (it
     * resigns, so another candidate takes over at once) and campaigns again after a backoff, as Curator's
     * {@code LeaderSelector} relinquishes leadership when {@code takeLeadership} throws. Holding the lease without
     * doing the leader's work would block every failover.
     */
    ELECTED_CALLBACK_FAILED,
    /** The handle was closed; it resigned (or tried to) right after firing this. */
    CLOSED
}

package io.patternkit.sidecar.leader;

/** What {@link LeaseEngine#release} did. */
public enum ReleaseOutcome {
    /** The candidate held the term and the lease is vacant now. */
    RELEASED,
    /** The candidate held the term, but the lease was already vacant (released before, or expired untaken). */
    ALREADY_RELEASED,
    /** Someone else holds or held the lease in a later term, or the candidate never held this term; nothing changed. */
    NOT_HOLDER
}

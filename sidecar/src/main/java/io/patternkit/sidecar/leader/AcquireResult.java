package io.patternkit.sidecar.leader;

/**
 * What {@link LeaseEngine#tryAcquire} found.
 *
 * @param elected whether the candidate holds the lease now (a new term, or its own live term renewed)
 * @param lease the lease after the call: the candidate's when elected, else the current holder's (or a vacant one
 *     when the holder let go between the attempt and the read)
 */
public record AcquireResult(boolean elected, LeaseRecord lease) {
}

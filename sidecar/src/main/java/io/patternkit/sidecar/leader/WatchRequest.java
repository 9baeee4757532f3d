package io.patternkit.sidecar.leader;

/**
 * A validated watch.
 *
 * @param election the election
 * @param term the term the caller last saw, 0 for none
 * @param leaderId the leader the caller last saw, or null for none
 * @param waitMs how long to wait for a change, 0 to 20000 milliseconds
 * @param candidateId the caller's candidate id, or null
 * @param releaseOnDisconnect whether to release {@code candidateId}'s lease when the connection closes before the answer
 */
public record WatchRequest(String election, long term, String leaderId, long waitMs, String candidateId,
                           boolean releaseOnDisconnect) {
}

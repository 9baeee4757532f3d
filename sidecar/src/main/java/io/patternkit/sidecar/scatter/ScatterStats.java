package io.patternkit.sidecar.scatter;

/**
 * What one scatter call cost.
 *
 * @param leafRequests leaf requests sent: first requests, hedges and failovers
 * @param hedgedRequests hedged requests sent
 * @param hedgesWon hedged requests whose answer was used
 * @param cancelledRequests leaf requests the root cancelled (closed) because it no longer needed
 *     them: hedge losers, leaf timeouts, and requests outstanding when the policy was met or the
 *     deadline passed
 */
public record ScatterStats(int leafRequests, int hedgedRequests, int hedgesWon, int cancelledRequests) {
}

package io.patternkit.scatter;

/**
 * Load a scatter put on the leaves, as counted by the root sidecar.
 *
 * @param leafRequests leaf requests sent, hedges and failovers included
 * @param hedgedRequests of which hedged (backup) requests
 * @param hedgesWon hedged requests whose answer was used
 * @param cancelledRequests requests cancelled by closing the connection (hedge losers, requests made
 *     unnecessary by the completion policy, requests still running at the deadline)
 */
public record GatherStats(long leafRequests, long hedgedRequests, long hedgesWon, long cancelledRequests) {
    /** A scatter that sent nothing. */
    public static final GatherStats NONE = new GatherStats(0, 0, 0, 0);
}

package io.patternkit.sidecar.leader;

import java.time.Duration;
import java.time.Instant;

/**
 * A candidate's lease as the sidecar holds it for the candidate.
 *
 * @param election the election
 * @param candidate the holder
 * @param term the term, which is also the fencing token
 * @param validFor how long the holder may still act as leader without another renew (up to the renew deadline)
 * @param acquiredAt when the term began, on the engine's clock
 */
public record Lease(String election, String candidate, long term, Duration validFor, Instant acquiredAt) {
}

package io.patternkit.sidecar.leader;

import java.util.Optional;

/**
 * What leader election is configured with, beyond the host and the engine. Immutable.
 *
 * @param timing the lease duration, renew deadline and retry period
 * @param election the election {@code GET /} reports (and the sidecar campaigns in with {@code id})
 * @param id the candidate id the sidecar itself campaigns as, or empty when it does not
 */
public record LeaderSettings(LeaderTiming timing, String election, Optional<String> id) {
}

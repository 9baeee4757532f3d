package io.patternkit.leader.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.patternkit.leader.LeadershipListener;
import java.time.Clock;
import java.time.Duration;

/**
 * The frozen settings of a {@link io.patternkit.leader.Leadership} handle, validated by its builder. Internal.
 *
 * @param election the election's name
 * @param candidateId this candidate's id
 * @param clock the clock of renew times, deadlines and backoffs (never goes backwards)
 * @param listener the callbacks
 * @param meterRegistry where the meters go
 * @param campaignWait the long-poll wait of each campaign
 * @param watchWait the long-poll wait of each watch
 * @param backoffMin the first delay after a failed call
 * @param backoffMax the longest delay after failed calls
 */
public record LeadershipSettings(String election, String candidateId, Clock clock, LeadershipListener listener,
        MeterRegistry meterRegistry, Duration campaignWait, Duration watchWait, Duration backoffMin,
        Duration backoffMax) {
}

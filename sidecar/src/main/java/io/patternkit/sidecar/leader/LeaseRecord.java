package io.patternkit.sidecar.leader;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * An election's lease as an engine reads it.
 *
 * @param election the election name
 * @param holder the holder of a live lease, or null while vacant (never acquired, released or expired)
 * @param term the latest term, which is also the fencing token; 0 before anyone was elected
 * @param acquiredAt when the latest term began (engine clock), or null before anyone was elected
 * @param remaining how long before the lease can expire as the engine judges it; {@link Duration#ZERO} while vacant
 */
public record LeaseRecord(String election, String holder, long term, Instant acquiredAt, Duration remaining) {

    /**
     * @param election the election name
     * @return the record of an election nobody was ever elected in
     */
    public static LeaseRecord never(String election) {
        return new LeaseRecord(election, null, 0, null, Duration.ZERO);
    }

    /** @return the live holder, empty while vacant */
    public Optional<String> leader() {
        return Optional.ofNullable(holder);
    }
}

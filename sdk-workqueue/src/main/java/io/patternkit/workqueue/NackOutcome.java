package io.patternkit.workqueue;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a nacked item went.
 *
 * @param state ready again, delayed (backoff or explicit delay), or dead-lettered; never null
 * @param visibleAt when it becomes claimable again; empty when dead
 */
public record NackOutcome(State state, Optional<Instant> visibleAt) {
    /**
     * Checks that the components are present.
     *
     * @param state see {@link #state()}
     * @param visibleAt see {@link #visibleAt()}
     */
    public NackOutcome {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(visibleAt, "visibleAt");
    }

    /** The state of an item after a nack: the application's view of {@link io.patternkit.protocol.ItemState}, constant for constant. */
    public enum State {
        /** Claimable at once. */
        READY,
        /** Claimable after a delay or backoff. */
        DELAYED,
        /** In the dead-letter queue; only a redrive brings it back. */
        DEAD
    }
}

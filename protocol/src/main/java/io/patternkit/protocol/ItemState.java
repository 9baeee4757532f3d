package io.patternkit.protocol;

/** Where a nack left a work item (schema {@code NackResult.state}). */
public enum ItemState implements WireName {
    /** Claimable at once. */
    READY("ready"),
    /** Claimable after a delay or backoff. */
    DELAYED("delayed"),
    /** In the dead-letter queue; only a redrive brings it back. */
    DEAD("dead");

    private final String wireName;

    ItemState(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }
}

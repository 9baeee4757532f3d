package io.patternkit.sidecar.workqueue;

import java.util.Locale;

/** Where a nacked item went. */
public enum ItemState {
    /** Visible now. */
    READY,
    /** Visible after a delay or backoff. */
    DELAYED,
    /** In the dead-letter queue. */
    DEAD;

    /** @return the wire name, such as {@code delayed} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

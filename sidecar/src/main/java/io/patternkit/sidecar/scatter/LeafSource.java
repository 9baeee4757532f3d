package io.patternkit.sidecar.scatter;

import java.util.Locale;

/** How the root knows a leaf. */
public enum LeafSource {
    /** The leaf registered itself with a TTL. */
    REGISTERED,
    /** The leaf was named on the command line ({@code --leaf}). */
    STATIC,
    /** The leaf was found by DNS ({@code --dns-leaves}) and told its shard through leaf info. */
    DNS;

    /** @return the wire name: {@code registered}, {@code static} or {@code dns} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

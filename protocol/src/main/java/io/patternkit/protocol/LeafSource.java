package io.patternkit.protocol;

/** How the scatter root learnt of a leaf (schema {@code PoolLeaves} replica {@code source}). */
public enum LeafSource implements WireName {
    /** The leaf registered itself with a TTL and keeps renewing it. */
    REGISTERED("registered"),
    /** The leaf was named on the root's command line ({@code --leaf}). */
    STATIC("static"),
    /** The leaf was found by DNS ({@code --dns-leaves}) and told its shard through leaf info. */
    DNS("dns");

    private final String wireName;

    LeafSource(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }
}

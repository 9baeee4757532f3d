package io.patternkit.scatter.internal;

import io.patternkit.protocol.NameRule;

import java.util.Objects;

/** Validation of names shared by the scatter API classes. Internal. */
public final class Arguments {
    private Arguments() {
    }

    /**
     * @param pool a pool name
     * @return the name
     * @throws IllegalArgumentException unless 1 to 128 letters, digits, {@code .}, {@code _} or {@code -}
     */
    public static String pool(String pool) {
        Objects.requireNonNull(pool, "pool");
        if (!NameRule.POOL.matches(pool)) {
            throw new IllegalArgumentException(NameRule.POOL.rejection(pool));
        }
        return pool;
    }

    /**
     * @param what {@code shard} or {@code leafId}, for the message
     * @param id a shard name or leaf id
     * @return the id
     * @throws IllegalArgumentException unless 1 to 253 letters, digits, {@code .}, {@code _}, {@code :},
     *     {@code @} or {@code -}, starting alphanumeric
     */
    public static String id(String what, String id) {
        Objects.requireNonNull(id, what);
        if (!NameRule.SHARD.matches(id)) {
            throw new IllegalArgumentException(NameRule.SHARD.rejection(what, id));
        }
        return id;
    }
}

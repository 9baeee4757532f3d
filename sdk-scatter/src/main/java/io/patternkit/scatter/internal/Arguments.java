package io.patternkit.scatter.internal;

import io.patternkit.protocol.Wire;
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
        if (!Wire.POOL_NAME.matcher(pool).matches()) {
            throw new IllegalArgumentException("pool name must be 1 to 128 letters, digits, '.', '_' or '-', got '"
                    + pool + "'");
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
        if (!Wire.SHARD_NAME.matcher(id).matches()) {
            throw new IllegalArgumentException(what + " must be 1 to 253 letters, digits, '.', '_', ':', '@' or '-', "
                    + "starting alphanumeric, got '" + id + "'");
        }
        return id;
    }
}

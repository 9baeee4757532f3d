package io.patternkit.protocol;

import java.util.Arrays;
import java.util.Optional;

/** A value of the wire's vocabulary: an enum constant with the name the OpenAPI contract spells it by. */
public interface WireName {

    /** @return the name on the wire, such as {@code timedOut} */
    String wireName();

    /**
     * Reads a name off the wire.
     *
     * @param type the enum whose constants are the vocabulary
     * @param wireName the name read, may be null
     * @param <E> the enum
     * @return the constant whose {@link #wireName()} it is, or empty when none is (or it is null)
     */
    static <E extends Enum<E> & WireName> Optional<E> fromWire(Class<E> type, String wireName) {
        return Arrays.stream(type.getEnumConstants()).filter(e -> e.wireName().equals(wireName)).findFirst();
    }
}

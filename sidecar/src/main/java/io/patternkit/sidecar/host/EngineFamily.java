package io.patternkit.sidecar.host;

import java.util.Optional;

/**
 * One storage engine as the host opens it once for every pattern it serves: SQLite, PostgreSQL or
 * Kubernetes. A family holds the engine's shared resource (one SQLite connection pool, one
 * PostgreSQL pool, one Kubernetes client), opens it on first use, and hands each pattern the
 * implementation of that pattern's engine SPI on top of it. Not thread-safe: the host opens
 * engines from one thread at start-up.
 */
public interface EngineFamily extends AutoCloseable {

    /** @return the engine's name as {@code --engine} spells it, such as {@code sqlite} */
    String name();

    /**
     * Opens the implementation of a pattern's engine SPI on the shared resource, opening the
     * resource itself on first use.
     *
     * @param spi the pattern's engine interface, such as the work queue's {@code QueueEngine}
     * @param <T> the interface
     * @return the implementation, or empty when this engine does not serve that pattern
     * @throws io.patternkit.sidecar.common.EngineException when the engine cannot be opened
     */
    <T> Optional<T> open(Class<T> spi);

    /** Closes what {@link #open} opened; the patterns are stopped by then. Never throws. */
    @Override
    void close();

    /**
     * A family for patterns that need no engine (scatter/gather): it serves no SPI.
     *
     * @return the family {@code none}
     */
    static EngineFamily none() {
        return new EngineFamily() {
            @Override
            public String name() {
                return "none";
            }

            @Override
            public <T> Optional<T> open(Class<T> spi) {
                return Optional.empty();
            }

            @Override
            public void close() {
            }
        };
    }
}

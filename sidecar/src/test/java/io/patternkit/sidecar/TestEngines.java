package io.patternkit.sidecar;

import io.patternkit.sidecar.host.EngineFamily;
import io.patternkit.sidecar.leader.LeaseEngine;
import io.patternkit.sidecar.workqueue.QueueEngine;
import java.util.Optional;

/** An engine family that serves engines a test opened itself (to break them on purpose), and closes them. */
public final class TestEngines implements EngineFamily {
    private final AutoCloseable engine;

    private TestEngines(AutoCloseable engine) {
        this.engine = engine;
    }

    /**
     * @param engine the work queue's engine
     * @return a family serving it (for any backoff)
     */
    public static EngineFamily serving(QueueEngine engine) {
        return new TestEngines(engine);
    }

    /**
     * @param engine leader election's engine
     * @return a family serving it
     */
    public static EngineFamily serving(LeaseEngine engine) {
        return new TestEngines(engine);
    }

    @Override
    public String name() {
        return "test";
    }

    @Override
    public <T> Optional<T> open(Class<T> spi) {
        if (spi == QueueEngine.Opener.class && engine instanceof QueueEngine queue) {
            QueueEngine.Opener opener = backoff -> queue;
            return Optional.of(spi.cast(opener));
        }
        return spi.isInstance(engine) ? Optional.of(spi.cast(engine)) : Optional.empty();
    }

    @Override
    public void close() {
        try {
            engine.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

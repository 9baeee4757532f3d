package io.patternkit.testing;

import io.patternkit.lifecycle.Checkpoint;
import io.patternkit.lifecycle.CheckpointStore;
import io.patternkit.lifecycle.CheckpointWrite;
import io.patternkit.lifecycle.FencingTokenStaleException;
import io.patternkit.lifecycle.VersionConflictException;
import io.patternkit.protocol.NameRule;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link CheckpointStore} in memory, with the sidecar's semantics (versions, conditional saves, fences
 * raised by restores; {@link CheckpointStoreCompatibilityKit} holds both to them), for unit tests of
 * code that saves and restores state. Thread-safe.
 */
public final class InMemoryCheckpointStore implements CheckpointStore {
    private final Clock clock;
    private final Map<String, Checkpoint> checkpoints = new HashMap<>();

    /** A store on the system clock. */
    public InMemoryCheckpointStore() {
        this(Clock.systemUTC());
    }

    /** @param clock the clock of {@link Checkpoint#updatedAt()}, such as a {@link ManualClock} */
    public InMemoryCheckpointStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized Optional<Checkpoint> read(String name) {
        return Optional.ofNullable(checkpoints.get(checked(name)));
    }

    @Override
    public synchronized Checkpoint save(String name, CheckpointWrite write) {
        Objects.requireNonNull(write, "write");
        Checkpoint current = checkpoints.get(checked(name));
        long version = current == null ? 0 : current.version();
        long fence = current == null ? 0 : current.fencingToken();
        if (write.fencingToken().isPresent() && write.fencingToken().getAsLong() < fence) {
            throw new FencingTokenStaleException("checkpoint " + name + " has seen fencing token " + fence
                    + ", newer than " + write.fencingToken().getAsLong());
        }
        if (write.expectedVersion().isPresent() && write.expectedVersion().getAsLong() != version) {
            throw new VersionConflictException("checkpoint " + name + " is at version " + version + ", not the expected "
                    + write.expectedVersion().getAsLong());
        }
        Checkpoint saved = new Checkpoint(name, version + 1, Math.max(fence, write.fencingToken().orElse(0)),
                Optional.of(write.stateJson()), clock.instant());
        checkpoints.put(name, saved);
        return saved;
    }

    @Override
    public synchronized Checkpoint restore(String name, long fencingToken) {
        if (fencingToken < 1) {
            throw new IllegalArgumentException("fencingToken must be positive, got " + fencingToken);
        }
        Checkpoint current = checkpoints.get(checked(name));
        Checkpoint raised = current == null
                ? new Checkpoint(name, 0, fencingToken, Optional.empty(), clock.instant())
                : new Checkpoint(name, current.version(), Math.max(current.fencingToken(), fencingToken),
                        current.stateJson(), current.updatedAt());
        checkpoints.put(name, raised);
        if (raised.fencingToken() > fencingToken) {
            throw new FencingTokenStaleException("checkpoint " + name + " has seen fencing token "
                    + raised.fencingToken() + ", newer than " + fencingToken);
        }
        return raised;
    }

    private static String checked(String name) {
        Objects.requireNonNull(name, "name");
        if (!NameRule.CHECKPOINT.matches(name)) {
            throw new IllegalArgumentException(NameRule.CHECKPOINT.rejection(name));
        }
        return name;
    }
}

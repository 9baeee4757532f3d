package io.patternkit.sidecar.checkpoint;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.patternkit.protocol.ProblemType;
import io.patternkit.sidecar.common.ProblemException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Checkpoints over the engine, off the event loop: read, save (conditional on a version, fenced by a
 * token) and restore (read and raise the fence in one statement). A refused save says why: the
 * version moved ({@code version-conflict}) or a newer token was seen ({@code fencing-token-stale}).
 *
 * <p>Metrics: counter {@value #OPERATIONS} tagged {@code operation} (read, save, restore) and
 * {@code outcome} (ok, not_found, version_conflict, fencing_token_stale).
 */
public final class CheckpointService {
    /** The operations counter. */
    public static final String OPERATIONS = "patternkit.checkpoint.operations";

    private final Context context;
    private final CheckpointEngine engine;
    private final MeterRegistry registry;

    /**
     * @param context a Vert.x context, for blocking engine calls
     * @param engine the engine
     * @param registry where the counter goes
     */
    public CheckpointService(Context context, CheckpointEngine engine, MeterRegistry registry) {
        this.context = context;
        this.engine = engine;
        this.registry = registry;
    }

    /**
     * @param name a valid name
     * @return the checkpoint; fails with {@code not-found} when there is none
     */
    public Future<StoredCheckpoint> read(String name) {
        return blocking(() -> engine.read(name)).map(found -> {
            count("read", found.isPresent() ? "ok" : "not_found");
            return found.orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND,
                    "no checkpoint named " + name + " has been saved or restored"));
        });
    }

    /**
     * @param name a valid name
     * @param stateJson the state, JSON text as sent
     * @param expectedVersion the version the write expects, or null
     * @param fencingToken the writer's token, or null
     * @return the checkpoint as written; fails with {@code version-conflict} or {@code fencing-token-stale}
     */
    public Future<StoredCheckpoint> save(String name, String stateJson, Long expectedVersion, Long fencingToken) {
        return blocking(() -> {
            Optional<StoredCheckpoint> saved = engine.save(name, stateJson, expectedVersion, fencingToken);
            if (saved.isPresent()) {
                count("save", "ok");
                return saved.get();
            }
            throw refusal(name, engine.read(name), expectedVersion, fencingToken);
        });
    }

    /**
     * @param name a valid name
     * @param fencingToken the new holder's token
     * @return the checkpoint with the fence raised; fails with {@code fencing-token-stale} when a newer holder restored first
     */
    public Future<StoredCheckpoint> restore(String name, long fencingToken) {
        return blocking(() -> {
            StoredCheckpoint restored = engine.restore(name, fencingToken);
            if (restored.fence() > fencingToken) {
                count("restore", "fencing_token_stale");
                throw stale(name, fencingToken, restored.fence());
            }
            count("restore", "ok");
            return restored;
        });
    }

    /** @return completes when the engine answers */
    public Future<Void> ping() {
        return blocking(() -> {
            engine.ping();
            return null;
        });
    }

    private ProblemException refusal(String name, Optional<StoredCheckpoint> current, Long expectedVersion, Long token) {
        long fence = current.map(StoredCheckpoint::fence).orElse(0L);
        if (token != null && token < fence) {
            count("save", "fencing_token_stale");
            return stale(name, token, fence);
        }
        count("save", "version_conflict");
        return new ProblemException(ProblemType.VERSION_CONFLICT, "checkpoint " + name + " is at version "
                + current.map(StoredCheckpoint::version).orElse(0L) + ", not the expected " + expectedVersion
                + "; read it again and decide whether to save over it");
    }

    private static ProblemException stale(String name, long token, long fence) {
        return new ProblemException(ProblemType.FENCING_TOKEN_STALE, "checkpoint " + name + " has seen fencing token "
                + fence + ", newer than " + token + ": a newer holder has taken over, so this one must stop writing");
    }

    private void count(String operation, String outcome) {
        Counter.builder(OPERATIONS).description("Checkpoint operations by outcome").tag("operation", operation)
                .tag("outcome", outcome).register(registry).increment();
    }

    private <T> Future<T> blocking(Callable<T> work) {
        return context.executeBlocking(work, false);
    }
}

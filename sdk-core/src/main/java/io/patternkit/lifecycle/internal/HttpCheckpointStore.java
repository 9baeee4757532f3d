package io.patternkit.lifecycle.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.patternkit.core.ConflictException;
import io.patternkit.core.NotFoundException;
import io.patternkit.core.ProtocolException;
import io.patternkit.core.internal.Json;
import io.patternkit.core.internal.Problems;
import io.patternkit.core.internal.SidecarCall;
import io.patternkit.core.internal.Transport;
import io.patternkit.lifecycle.Checkpoint;
import io.patternkit.lifecycle.CheckpointStore;
import io.patternkit.lifecycle.CheckpointWrite;
import io.patternkit.lifecycle.FencingTokenStaleException;
import io.patternkit.lifecycle.VersionConflictException;
import io.patternkit.protocol.NameRule;
import io.patternkit.protocol.ProblemType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/** The {@link CheckpointStore} of a sidecar, over {@code /v1/checkpoints}. Internal. */
public final class HttpCheckpointStore implements CheckpointStore {
    private final Transport transport;

    /** @param transport the client's transport */
    public HttpCheckpointStore(Transport transport) {
        this.transport = transport;
        // A successor restores on a path its JVM has never run; resolving the JSON mapping now keeps
        // Jackson's introspection off that once-per-failover path.
        Json.prepare(SaveRequest.class, RestoreRequest.class, Wire.class);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SaveRequest(@JsonRawValue String state, Long expectedVersion, Long fencingToken) {
    }

    record RestoreRequest(long fencingToken) {
    }

    /** The answer's members but its state, which {@link #stateOf} reads as it is written. */
    record Wire(String name, Long version, Long fencingToken, Instant updatedAt) {
    }

    @Override
    public Optional<Checkpoint> read(String name) {
        try {
            return Optional.of(checkpoint(SidecarCall.get("readCheckpoint", path(name))));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public Checkpoint save(String name, CheckpointWrite write) {
        Objects.requireNonNull(write, "write");
        SaveRequest body = new SaveRequest(write.stateJson(), write.expectedVersion().isPresent()
                ? write.expectedVersion().getAsLong() : null,
                write.fencingToken().isPresent() ? write.fencingToken().getAsLong() : null);
        // Retried like any PUT: a repeat stores the same state (an unconditional one counts one more version;
        // a conditional one that finds its own write done is refused with version-conflict, never doubled).
        return conflicts(() -> checkpoint(SidecarCall.put("saveCheckpoint", path(name), body)));
    }

    @Override
    public Checkpoint restore(String name, long fencingToken) {
        if (fencingToken < 1) {
            throw new IllegalArgumentException("fencingToken must be positive, got " + fencingToken);
        }
        return conflicts(() -> checkpoint(SidecarCall.post("restoreCheckpoint", path(name) + "/restore",
                new RestoreRequest(fencingToken), true)));
    }

    private static String path(String name) {
        Objects.requireNonNull(name, "name");
        if (!NameRule.CHECKPOINT.matches(name)) {
            throw new IllegalArgumentException(NameRule.CHECKPOINT.rejection(name));
        }
        return "/v1/checkpoints/" + name;
    }

    private static <T> T conflicts(Supplier<T> call) {
        try {
            return call.get();
        } catch (ConflictException e) {
            String slug = Problems.slug(e);
            if (ProblemType.VERSION_CONFLICT.slug().equals(slug)) {
                throw new VersionConflictException(e.getMessage(), e);
            }
            if (ProblemType.FENCING_TOKEN_STALE.slug().equals(slug)) {
                throw new FencingTokenStaleException(e.getMessage(), e);
            }
            throw e;
        }
    }

    private Checkpoint checkpoint(SidecarCall call) {
        return toCheckpoint(transport.execute(call, byte[].class));
    }

    /**
     * Reads the sidecar's answer; its state is handed on as the answer has it, byte for byte (a tree written out again
     * would change whitespace and escapes).
     *
     * @param answer the answer's body, UTF-8 JSON
     * @return the checkpoint
     * @throws ProtocolException when the answer is no checkpoint
     */
    static Checkpoint toCheckpoint(byte[] answer) {
        try {
            Wire w = Json.readExact(answer, Wire.class);
            if (w == null || w.name() == null || w.version() == null || w.fencingToken() == null || w.updatedAt() == null) {
                throw new ProtocolException("checkpoint: the sidecar's answer lacks name, version, fencingToken or "
                        + "updatedAt", 200, null, null);
            }
            return new Checkpoint(w.name(), w.version(), w.fencingToken(), stateOf(answer), w.updatedAt());
        } catch (IOException e) {
            throw new ProtocolException("checkpoint: cannot read the sidecar's answer: " + e.getMessage()
                    + "; is it a Patternkit sidecar of a compatible version?", 200, null, e);
        }
    }

    /**
     * The text of the answer's top-level {@code state} member's value, from its first byte to its last; empty when the
     * answer has no state (never saved).
     */
    private static Optional<String> stateOf(byte[] answer) throws IOException {
        try (JsonParser p = Json.mapper().createParser(answer)) {
            p.nextToken(); // the object
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean state = p.currentName().equals("state");
                p.nextToken();
                if (state) {
                    int start = (int) p.currentTokenLocation().getByteOffset();
                    p.skipChildren();
                    p.finishToken(); // a string or number is read to its end
                    int end = (int) p.currentLocation().getByteOffset();
                    return Optional.of(new String(answer, start, end - start, StandardCharsets.UTF_8));
                }
                p.skipChildren();
            }
        }
        return Optional.empty();
    }
}

package io.patternkit.sidecar.checkpoint;

import io.patternkit.sidecar.host.HostContext;
import io.patternkit.sidecar.host.PatternModule;
import io.patternkit.sidecar.host.RunningPattern;

/**
 * Checkpoints as a module of the sidecar: the state an application hands over to its successor (the
 * single-container management pattern's checkpoint and restore, shaped like CRaC's
 * {@code beforeCheckpoint}/{@code afterRestore}), kept on the host's engine, versioned, conditional
 * and fenced by a leader's token. It has no options of its own; its size limit is the host's
 * {@code --max-body-bytes}.
 */
public final class CheckpointModule implements PatternModule {
    /** The name {@code run --patterns} knows checkpoints by. */
    public static final String NAME = "checkpoint";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RunningPattern start(HostContext context) {
        CheckpointEngine engine = context.engine(CheckpointEngine.class, NAME);
        return new CheckpointRoutes(new CheckpointService(context.vertx().getOrCreateContext(), engine,
                context.registry()), new CheckpointRequests(context.mapper()));
    }
}

package io.patternkit.sidecar;

import io.patternkit.sidecar.common.Ticker;
import io.patternkit.sidecar.host.EngineFamily;
import java.util.Map;
import picocli.CommandLine.Mixin;

/** A command whose patterns keep state in an engine chosen by {@code --engine} (every command but {@code scatter}). */
abstract class StatefulCommand extends SidecarCommand {
    @Mixin
    EngineOptions engine;

    @Override
    EngineFamily engine(Map<String, String> env) {
        return EngineOptions.family(engine.settings(env), Ticker.system());
    }
}

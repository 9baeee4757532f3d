package io.patternkit.sidecar;

import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.host.EngineFamily;
import io.patternkit.sidecar.host.HostSettings;
import io.patternkit.sidecar.host.PatternModule;
import io.patternkit.sidecar.scatter.ScatterModule;
import io.patternkit.sidecar.scatter.ScatterOptions;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code patternkit-sidecar scatter}: the scatter/gather root alone, on its own port; a shorthand
 * for {@code run --patterns scatter --port 7312}. It keeps no state, so it takes no engine.
 */
@Command(name = "scatter", mixinStandardHelpOptions = true, sortSynopsis = false,
        defaultValueProvider = SidecarCommand.Defaults.class,
        description = {"Runs the scatter/gather root sidecar (deadlines, completion policies, hedged requests, partial results).",
            "Env: PATTERNKIT_API_TOKEN or PATTERNKIT_API_TOKEN_FILE (bearer token for /v1, also sent to leaves and merge containers)."})
public final class ScatterCommand extends SidecarCommand {
    @Mixin
    ScatterOptions scatter;

    @Override
    List<PatternModule> modules(HostSettings host) {
        return List.of(new ScatterModule(scatter.settings()));
    }

    @Override
    EngineFamily engine(Map<String, String> env) {
        return EngineFamily.none();
    }

    @Override
    int defaultPort() {
        return Wire.DEFAULT_SCATTER_PORT;
    }
}

package io.patternkit.sidecar;

import static io.patternkit.sidecar.common.OptionChecks.require;

import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.adapter.AdapterModule;
import io.patternkit.sidecar.adapter.AdapterOptions;
import io.patternkit.sidecar.ambassador.AmbassadorModule;
import io.patternkit.sidecar.ambassador.AmbassadorOptions;
import io.patternkit.sidecar.checkpoint.CheckpointModule;
import io.patternkit.sidecar.host.HostSettings;
import io.patternkit.sidecar.host.PatternModule;
import io.patternkit.sidecar.leader.LeaderModule;
import io.patternkit.sidecar.leader.LeaderOptions;
import io.patternkit.sidecar.scale.ScaleModule;
import io.patternkit.sidecar.scale.ScaleOptions;
import io.patternkit.sidecar.scatter.ScatterModule;
import io.patternkit.sidecar.scatter.ScatterOptions;
import io.patternkit.sidecar.workqueue.WorkQueueModule;
import io.patternkit.sidecar.workqueue.WorkQueueOptions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * {@code patternkit-sidecar run}: the one sidecar beside an app, serving any set of patterns on
 * one port with one engine, one health, one metrics endpoint and one drain (Dapr's one
 * {@code daprd} per app). Every pattern's options are accepted; an option of a pattern that is not
 * served is a usage error.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortSynopsis = false, sortOptions = false,
        defaultValueProvider = SidecarCommand.Defaults.class,
        description = {"Runs one sidecar serving every pattern named in --patterns on one port.",
            "Env: PATTERNKIT_API_TOKEN or PATTERNKIT_API_TOKEN_FILE (bearer token), PATTERNKIT_DATA (data dir), "
                + "PATTERNKIT_JDBC_PASSWORD (PostgreSQL password). Apps find it through PATTERNKIT_SIDECAR_URL."})
public final class RunCommand extends StatefulCommand {
    /** The patterns {@code run} knows, in the order it starts them. */
    static final List<String> PATTERNS = List.of(WorkQueueModule.NAME, LeaderModule.NAME, ScatterModule.NAME,
            CheckpointModule.NAME, AmbassadorModule.NAME, AdapterModule.NAME, ScaleModule.NAME);

    @Option(names = "--patterns", split = ",", paramLabel = "PATTERN",
            description = "The patterns to serve, comma-separated: workqueue, leader, scatter, checkpoint, ambassador, adapter, scale (default: all of them).")
    List<String> patterns = PATTERNS;

    @Mixin
    LeaderOptions leader;

    @Mixin
    ScatterOptions scatter;

    @Mixin
    AmbassadorOptions ambassador;

    @Mixin
    AdapterOptions adapter;

    @Mixin
    ScaleOptions scale;

    // Last: --exec takes the rest of the line, so the synopsis must list it last.
    @Mixin
    WorkQueueOptions workQueue;

    @Override
    List<PatternModule> modules(HostSettings host) {
        Set<String> chosen = new LinkedHashSet<>();
        for (String name : patterns) {
            require(spec, PATTERNS.contains(name), "--patterns: unknown pattern '" + name + "'; known: " + String.join(", ", PATTERNS));
            require(spec, chosen.add(name), "--patterns names " + name + " twice");
        }
        List<PatternModule> modules = new ArrayList<>();
        add(modules, chosen, WorkQueueModule.NAME, "workQueue", () -> new WorkQueueModule(workQueue.settings(host.maxBodyBytes())));
        add(modules, chosen, LeaderModule.NAME, "leader", () -> new LeaderModule(leader.settings()));
        add(modules, chosen, ScatterModule.NAME, "scatter", () -> new ScatterModule(scatter.settings()));
        add(modules, chosen, CheckpointModule.NAME, null, CheckpointModule::new);
        add(modules, chosen, AmbassadorModule.NAME, "ambassador", () -> new AmbassadorModule(ambassador.settings()));
        add(modules, chosen, AdapterModule.NAME, "adapter", () -> new AdapterModule(adapter.config(), System::getenv));
        add(modules, chosen, ScaleModule.NAME, "scale", () -> new ScaleModule(scale.settings(System.getenv(), engine.kubeMaster)));
        return modules;
    }

    /**
     * Adds a chosen pattern's module; for a pattern not chosen, rejects any of its options (those of the
     * mixin named {@code mixin}, null for none) that was given.
     */
    private void add(List<PatternModule> modules, Set<String> chosen, String name, String mixin, Supplier<PatternModule> module) {
        if (chosen.contains(name)) {
            modules.add(module.get());
            return;
        }
        if (mixin == null) {
            return; // a pattern without options of its own
        }
        for (OptionSpec option : spec.mixins().get(mixin).options()) {
            require(spec, !spec.commandLine().getParseResult().hasMatchedOption(option),
                    option.longestName() + " belongs to the " + name + " pattern, which --patterns does not include");
        }
    }

    @Override
    int defaultPort() {
        return Wire.DEFAULT_SIDECAR_PORT;
    }
}

package io.patternkit.sidecar;

import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.host.HostSettings;
import io.patternkit.sidecar.host.PatternModule;
import io.patternkit.sidecar.leader.LeaderModule;
import io.patternkit.sidecar.leader.LeaderOptions;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code patternkit-sidecar leader}: leader election alone, on its own port; a shorthand for
 * {@code run --patterns leader --port 7310}. On SIGTERM it releases every lease it holds. With
 * {@code --id} it also campaigns itself in {@code --election}, like the Kubernetes
 * {@code leader-elector} sidecar.
 */
@Command(name = "leader", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = SidecarCommand.Defaults.class,
        description = {"Runs the leader-election pattern sidecar (leases with client-go's durations, fencing tokens, "
                + "watches that release on disconnect).",
            "Env: PATTERNKIT_API_TOKEN or PATTERNKIT_API_TOKEN_FILE (bearer token), PATTERNKIT_DATA (data dir), "
                + "PATTERNKIT_JDBC_PASSWORD (PostgreSQL password)."})
public final class LeaderCommand extends StatefulCommand {
    @Mixin
    LeaderOptions leader;

    @Override
    List<PatternModule> modules(HostSettings host) {
        return List.of(new LeaderModule(leader.settings()));
    }

    @Override
    int defaultPort() {
        return Wire.DEFAULT_LEADER_PORT;
    }

    /** Leader election's requests are small: 64 KiB. */
    @Override
    long defaultMaxBodyBytes() {
        return 64 * 1024;
    }
}

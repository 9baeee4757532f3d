package io.patternkit.sidecar;

import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.host.HostSettings;
import io.patternkit.sidecar.host.PatternModule;
import io.patternkit.sidecar.workqueue.WorkQueueModule;
import io.patternkit.sidecar.workqueue.WorkQueueOptions;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code patternkit-sidecar workqueue}: the work queue alone, on its own port; a shorthand for
 * {@code run --patterns workqueue --port 7311}. With {@code --exec-queue Q --exec CMD [ARG...]} it
 * also consumes queue Q itself and runs the command once per item.
 */
@Command(name = "workqueue", mixinStandardHelpOptions = true, sortSynopsis = false,
        defaultValueProvider = SidecarCommand.Defaults.class,
        description = {"Runs the work-queue pattern sidecar (SQS-like visibility timeouts, receipts, dead letters).",
            "Env: PATTERNKIT_API_TOKEN or PATTERNKIT_API_TOKEN_FILE (bearer token for /v1), "
                + "PATTERNKIT_DATA (data dir), PATTERNKIT_JDBC_PASSWORD (PostgreSQL password)."})
public final class WorkQueueCommand extends StatefulCommand {
    // Last: --exec takes the rest of the line, so the synopsis must list it last.
    @Mixin
    WorkQueueOptions workQueue;

    @Override
    List<PatternModule> modules(HostSettings host) {
        return List.of(new WorkQueueModule(workQueue.settings(host.maxBodyBytes())));
    }

    @Override
    int defaultPort() {
        return Wire.DEFAULT_WORKQUEUE_PORT;
    }
}

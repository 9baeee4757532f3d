package io.patternkit.sidecar.leader;

import io.patternkit.sidecar.host.HostContext;
import io.patternkit.sidecar.host.PatternModule;
import io.patternkit.sidecar.host.RunningPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election as a module of the sidecar: opens the lease engine on the host's engine, serves
 * {@code GET /} and {@code /v1/elections/...}, and with {@code --id} campaigns itself. On SIGTERM
 * every lease held through this sidecar is released, so successors take over without waiting.
 *
 * @param settings leader election's settings
 */
public record LeaderModule(LeaderSettings settings) implements PatternModule {
    /** The name {@code run --patterns} knows leader election by. */
    public static final String NAME = "leader";
    private static final Logger LOG = LoggerFactory.getLogger(LeaderModule.class);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RunningPattern start(HostContext context) {
        LeaseEngine engine = context.engine(LeaseEngine.class, NAME);
        LeaderService service = new LeaderService(context.vertx(), engine, settings.timing(), context.ticker(),
                new LeaderMetrics(context.registry()));
        settings.id().ifPresent(id -> {
            service.campaignContinuously(settings.election(), id);
            LOG.info("campaigning in election {} as {}", settings.election(), id);
        });
        return new LeaderRoutes(service, new LeaderRequests(context.mapper()), settings.election());
    }
}

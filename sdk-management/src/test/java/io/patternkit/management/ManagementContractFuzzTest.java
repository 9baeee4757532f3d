package io.patternkit.management;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.protocol.contract.ContractFuzzKit;
import io.swagger.v3.oas.models.PathItem;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The contract fuzzing kit ({@link ContractFuzzKit}) against the in-app management server with its lifecycle
 * (drain, the three probes, info), threads, config, metrics, logs and loggers endpoints, a token and a 64 KiB body cap. Left out: the profile
 * endpoint (each call records for at least a second; {@code ProfileEndpointTest} covers its bad input) and the
 * scatter leaf and merge endpoints (their module's tests).
 */
class ManagementContractFuzzTest extends ContractFuzzKit {
    private static final String TOKEN = "fuzz-token-123";
    private static ManagementServer server;

    @BeforeContainer
    static void start() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.counter("fuzz.started").increment();
        server = ManagementServer.builder().apiToken(TOKEN).maxBodySize(64 * 1024).meterRegistry(registry).build().start();
        LifecycleEndpoints.mount(server, Lifecycle.builder().drainDeadline(Duration.ofSeconds(2)).build());
        ThreadsEndpoint.mount(server);
        ConfigEndpoint.mount(server);
        MetricsEndpoint.mount(server, registry);
        LogsEndpoint.mount(server);
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    @Override
    protected int port() {
        return server.port();
    }

    @Override
    protected String token() {
        return TOKEN;
    }

    @Override
    protected int bodyCap() {
        return 64 * 1024;
    }

    @Override
    protected Set<String> openRoutes() {
        return Set.of(LifecycleEndpoints.LIVE_PATH, LifecycleEndpoints.READY_PATH, LifecycleEndpoints.STARTED_PATH);
    }

    /** The first generated drain drains the lifecycle; readiness answers 503 from then on, as it should. */
    @Override
    protected Map<String, Set<Integer>> documentedServerErrors() {
        return Map.of(LifecycleEndpoints.READY_PATH, Set.of(503));
    }

    @Override
    protected boolean serves(String template, PathItem item) {
        return template.startsWith("/patternkit/") && !template.startsWith("/patternkit/profile")
                && !template.startsWith("/patternkit/leaf") && !template.startsWith("/patternkit/merge");
    }
}

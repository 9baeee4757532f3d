package io.patternkit.management;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The upward API's metrics ({@code GET /patternkit/metrics}): the application's Micrometer registry in the
 * Prometheus text format, or in OpenMetrics when the scraper's {@code Accept} asks for
 * {@code application/openmetrics-text} (as Prometheus does by default), so that one scrape target per pod
 * shows the app's own meters and Patternkit's (the consumer's, the drain's, the management server's) side by
 * side. Needs the server's token when it has one (Prometheus sends it with {@code authorization:
 * credentials_file}); other methods 405.
 *
 * <p>Needs {@code io.micrometer:micrometer-registry-prometheus} on the classpath (an optional dependency of
 * this module); give the same registry to the SDK's builders ({@code meterRegistry(...)}) so their meters
 * appear here.
 */
public final class MetricsEndpoint implements ManagementEndpoint {
    /** The path it is mounted on by {@link #mount}. */
    public static final String PATH = "/patternkit/metrics";

    private final PrometheusMeterRegistry registry;

    private MetricsEndpoint(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Mounts the endpoint at {@link #PATH}.
     *
     * @param server the application's management server; not null
     * @param registry the application's registry; not null
     * @return the mount
     * @throws IllegalStateException when the path is already mounted
     */
    public static ManagementServer.Mount mount(ManagementServer server, PrometheusMeterRegistry registry) {
        Objects.requireNonNull(server, "server");
        return server.mount(PATH, new MetricsEndpoint(Objects.requireNonNull(registry, "registry")));
    }

    @Override
    public ManagementResponse handle(ManagementRequest request) {
        Optional<ManagementResponse> refused = Requests.onlyGet(request);
        if (refused.isPresent()) {
            return refused.get();
        }
        boolean openMetrics = request.header("Accept")
                .map(accept -> accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text"))
                .orElse(false);
        String contentType = openMetrics ? OpenMetricsTextFormatWriter.CONTENT_TYPE : PrometheusTextFormatWriter.CONTENT_TYPE;
        return ManagementResponse.bytes(200, contentType, registry.scrape(contentType).getBytes(StandardCharsets.UTF_8));
    }
}

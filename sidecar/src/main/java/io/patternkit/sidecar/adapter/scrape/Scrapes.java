package io.patternkit.sidecar.adapter.scrape;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpClient;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Puts the adapter's scrapes behind the sidecar's {@code /metrics}. */
public final class Scrapes {
    private static final Logger LOG = LoggerFactory.getLogger(Scrapes.class);

    private Scrapes() {
    }

    /**
     * Registers a collector per scrape with the Prometheus registry behind {@code /metrics}; each
     * reads its endpoint when {@code /metrics} is scraped.
     *
     * @param scrapes the endpoints
     * @param http the client that reads them
     * @param registry the sidecar's registry, which must be its Prometheus registry
     * @return what unregisters them
     * @throws IllegalStateException when the registry is not a Prometheus registry
     */
    public static Runnable register(List<ScrapeSpec> scrapes, HttpClient http, MeterRegistry registry) {
        if (!(registry instanceof PrometheusMeterRegistry prometheus)) {
            throw new IllegalStateException("adapter: scrapes need the sidecar's Prometheus registry");
        }
        PrometheusRegistry target = prometheus.getPrometheusRegistry();
        List<ScrapeCollector> collectors = scrapes.stream().map(spec -> new ScrapeCollector(spec, http, registry)).toList();
        for (int i = 0; i < collectors.size(); i++) {
            target.register(collectors.get(i));
            ScrapeSpec spec = scrapes.get(i);
            LOG.info("adapter: scrape {} reads {} ({}) at each /metrics scrape, names prefixed {}", spec.name(), spec.where(), spec.format(),
                    spec.prefix());
        }
        return () -> collectors.forEach(target::unregister);
    }
}

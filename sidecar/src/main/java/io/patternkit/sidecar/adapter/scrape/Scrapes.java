package io.patternkit.sidecar.adapter.scrape;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Puts the adapter's scrapes behind the sidecar's {@code /metrics}. */
public final class Scrapes {
    private static final Logger LOG = LoggerFactory.getLogger(Scrapes.class);

    private Scrapes() {
    }

    /**
     * Registers one collector for the scrapes with the Prometheus registry behind {@code /metrics}; each scrape
     * reads its endpoint when {@code /metrics} is scraped. A family whose name is served already (by a meter of the
     * registry, such as a statsd series, or by an earlier scrape: prefixes {@code a_} and {@code a_b_} can clash) is
     * left out and counted in {@code patternkit_adapter_scrape_dropped_total{scrape}}.
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
        for (ScrapeSpec spec : scrapes) {
            LOG.info("adapter: scrape {} reads {} ({}) at each /metrics scrape, names prefixed {}", spec.name(), spec.where(), spec.format(),
                    spec.prefix());
        }
        MultiCollector all = () -> distinct(collectors, prometheus);
        target.register(all);
        return () -> target.unregister(all);
    }

    /**
     * Every scrape's families, leaving out a family whose name a meter of the registry (a statsd series, the
     * sidecar's own, with the {@code _max} of a timer or summary) or an earlier scrape serves already: the registry
     * refuses two families of one name, and would answer every {@code /metrics} with an error until the clash went
     * away. (The JMX exporter's families, when the adapter has one, are not seen here.)
     */
    private static MetricSnapshots distinct(List<ScrapeCollector> collectors, PrometheusMeterRegistry registry) {
        NamingConvention convention = registry.config().namingConvention();
        Set<String> taken = new HashSet<>();
        for (Meter meter : registry.getMeters()) {
            String name = FamilyName.of(convention, meter.getId());
            taken.add(name);
            taken.add(name + "_max"); // the gauge Micrometer serves beside a timer or a distribution summary
        }
        List<MetricSnapshot> served = new ArrayList<>();
        for (ScrapeCollector collector : collectors) {
            for (MetricSnapshot family : collector.collect()) {
                String name = family.getMetadata().getPrometheusName();
                if (taken.add(name)) {
                    served.add(family);
                } else {
                    collector.clashed(name);
                }
            }
        }
        return new MetricSnapshots(served);
    }
}

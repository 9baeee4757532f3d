package io.patternkit.sidecar.adapter.scrape;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.patternkit.sidecar.common.DaemonThreads;
import io.patternkit.sidecar.common.JsonMappers;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads one {@link ScrapeSpec} endpoint each time the sidecar's Prometheus registry is scraped ({@link Scrapes}) and
 * answers its series renamed and relabelled, as Prometheus' federation or a scrape through a proxy
 * would see them. A read that fails (no answer in time, not 200, over 16 MiB, not UTF-8, not the
 * format) answers no series and sets {@code patternkit_adapter_scrape_up{scrape}} to 0, as
 * Prometheus' own {@code up} does for a target; a family that cannot be served as given (two series
 * with the same labels, a histogram without its {@code +Inf} bucket) is left out and counted in
 * {@code patternkit_adapter_scrape_dropped_total{scrape}}.
 */
final class ScrapeCollector {
    private static final Logger LOG = LoggerFactory.getLogger(ScrapeCollector.class);
    private static final int MAX_BYTES = 16 * 1024 * 1024;
    private static final JsonMapper JSON = JsonMappers.standard();
    private static final ScheduledExecutorService DEADLINES =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("patternkit-adapter-scrape-deadline"));

    private final ScrapeSpec spec;
    private final HttpClient http;
    private final AtomicInteger up = new AtomicInteger();
    private final AtomicInteger series = new AtomicInteger();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private final Counter failures;
    private final Counter dropped;

    ScrapeCollector(ScrapeSpec spec, HttpClient http, MeterRegistry registry) {
        this.spec = spec;
        this.http = http;
        Gauge.builder("patternkit.adapter.scrape.up", up, AtomicInteger::get).tag("scrape", spec.name())
                .description("1 when the adapter's last read of the endpoint succeeded, else 0").register(registry);
        Gauge.builder("patternkit.adapter.scrape.series", series, AtomicInteger::get).tag("scrape", spec.name())
                .description("Series the adapter served from the endpoint's last read").register(registry);
        failures = Counter.builder("patternkit.adapter.scrape.failures").tag("scrape", spec.name())
                .description("Reads of the endpoint that failed").register(registry);
        dropped = Counter.builder("patternkit.adapter.scrape.dropped").tag("scrape", spec.name())
                .description("Metric families of the endpoint left out because they could not be served as given").register(registry);
    }

    /** @return the endpoint's families as read now, renamed and relabelled; none when the read failed */
    MetricSnapshots collect() {
        List<MetricSnapshot> snapshots;
        MetricSnapshots answer;
        try {
            String body = fetch();
            snapshots = distinct(spec.format().equals("json") ? fromJson(body) : fromPrometheus(body));
            answer = new MetricSnapshots(snapshots);
        } catch (IOException | PrometheusText.FormatException | RuntimeException e) {
            failed(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            return new MetricSnapshots();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed("interrupted");
            return new MetricSnapshots();
        }
        if (up.getAndSet(1) == 0 && lastError.getAndSet(null) != null) {
            LOG.info("adapter: scrape {} of {} answers again", spec.name(), spec.where());
        }
        series.set(snapshots.stream().mapToInt(s -> s.getDataPoints().size()).sum());
        return answer;
    }

    /** Keeps the first family of each name (a scrape whose names collide must not fail the sidecar's whole /metrics). */
    private List<MetricSnapshot> distinct(List<MetricSnapshot> snapshots) {
        Map<String, MetricSnapshot> byName = new LinkedHashMap<>();
        for (MetricSnapshot s : snapshots) {
            if (byName.putIfAbsent(s.getMetadata().getPrometheusName(), s) != null) {
                dropped.increment();
                LOG.debug("adapter: scrape {}: a second family named {} left out", spec.name(), s.getMetadata().getPrometheusName());
            }
        }
        return List.copyOf(byName.values());
    }

    /**
     * Counts a family left out because another source of {@code /metrics} serves its name already.
     *
     * @param family the family's Prometheus name
     */
    void clashed(String family) {
        dropped.increment();
        LOG.debug("adapter: scrape {}: family {} left out, another source of /metrics serves that name", spec.name(), family);
    }

    private void failed(String why) {
        failures.increment();
        up.set(0);
        series.set(0);
        if (!why.equals(lastError.getAndSet(why))) {
            LOG.warn("adapter: scrape {} of {} failed: {}", spec.name(), spec.where(), why);
        }
    }

    /** Reads the endpoint within the timeout, body included: a body that trickles in is cut off at the deadline. */
    private String fetch() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(spec.url()).timeout(spec.timeout()).GET()
                .header("Accept", spec.format().equals("json") ? "application/json" : "text/plain;version=0.0.4;q=1,*/*;q=0.1").build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        InputStream body = response.body();
        ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
            try {
                body.close(); // ends the read below with an IOException
            } catch (IOException e) {
                // closed already
            }
        }, spec.timeout().toMillis(), TimeUnit.MILLISECONDS);
        try (InputStream in = body) {
            if (response.statusCode() != 200) {
                throw new IOException("answered " + response.statusCode());
            }
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new IOException("answered more than " + MAX_BYTES + " bytes");
            }
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new IOException("answered a body that is not UTF-8");
            }
        } catch (IOException e) {
            throw deadline.isDone() ? new IOException("did not answer whole within " + spec.timeout().toMillis() + " ms") : e;
        } finally {
            deadline.cancel(false);
        }
    }

    private List<MetricSnapshot> fromPrometheus(String body) throws PrometheusText.FormatException {
        List<MetricSnapshot> snapshots = new ArrayList<>();
        for (PrometheusText.Family family : PrometheusText.parse(body)) {
            if (!spec.wants(family.name()) || family.samples().isEmpty()) {
                continue;
            }
            try {
                snapshots.add(snapshot(family));
            } catch (IllegalArgumentException e) {
                dropped.increment();
                LOG.debug("adapter: scrape {}: family {} left out: {}", spec.name(), family.name(), e.getMessage());
            }
        }
        return snapshots;
    }

    private MetricSnapshot snapshot(PrometheusText.Family family) {
        String full = spec.prefix() + family.name();
        String name = PrometheusNaming.sanitizeMetricName(full);
        // The model writes a counter's _total itself; any other name it would shorten (a gauge go_info, an untyped
        // foo_created beside a counter foo_total) is left out rather than served under another name.
        boolean counterTotal = family.type() == PrometheusText.Type.COUNTER && full.equals(name + "_total");
        if (!name.equals(full) && !counterTotal) {
            throw new IllegalArgumentException("the name " + full + " ends in a suffix the exposition reserves");
        }
        String help = family.help();
        switch (family.type()) {
            case COUNTER -> {
                CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
                family.samples().forEach(s -> b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                        .labels(labels(s.labels(), Map.of())).value(s.value()).build()));
                return b.build();
            }
            case GAUGE -> {
                GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
                family.samples().forEach(s -> b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                        .labels(labels(s.labels(), Map.of())).value(s.value()).build()));
                return b.build();
            }
            case HISTOGRAM -> {
                return histogram(family, name);
            }
            case SUMMARY -> {
                return summary(family, name);
            }
            default -> {
                UnknownSnapshot.Builder b = UnknownSnapshot.builder().name(name).help(help);
                family.samples().forEach(s -> b.dataPoint(UnknownSnapshot.UnknownDataPointSnapshot.builder()
                        .labels(labels(s.labels(), Map.of())).value(s.value()).build()));
                return b.build();
            }
        }
    }

    /** A classic histogram: cumulative {@code _bucket} counts by {@code le}, {@code _sum} and {@code _count}, per label set. */
    private MetricSnapshot histogram(PrometheusText.Family family, String name) {
        Map<Map<String, String>, TreeMap<Double, Double>> buckets = new LinkedHashMap<>();
        Map<Map<String, String>, Double> sums = new LinkedHashMap<>();
        for (PrometheusText.Sample s : family.samples()) {
            Map<String, String> rest = new TreeMap<>(s.labels());
            if (s.name().equals(family.name() + "_bucket")) {
                String le = rest.remove("le");
                if (le == null) {
                    throw new IllegalArgumentException("a bucket without le");
                }
                buckets.computeIfAbsent(rest, k -> new TreeMap<>()).put(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le),
                        s.value());
            } else if (s.name().equals(family.name() + "_sum")) {
                sums.put(rest, s.value());
            }
        }
        HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(name).help(family.help());
        buckets.forEach((labels, cumulative) -> {
            if (!cumulative.containsKey(Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("a histogram without its +Inf bucket");
            }
            List<Double> bounds = new ArrayList<>(cumulative.keySet());
            List<Long> counts = new ArrayList<>();
            double before = 0;
            for (double count : cumulative.values()) {
                counts.add(Math.round(count - before)); // the model keeps each bucket's own count; the writer adds them up again
                before = count;
            }
            HistogramSnapshot.HistogramDataPointSnapshot.Builder point = HistogramSnapshot.HistogramDataPointSnapshot.builder()
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts)).labels(labels(labels, Map.of()));
            if (sums.containsKey(labels)) {
                point.sum(sums.get(labels));
            }
            b.dataPoint(point.build());
        });
        return b.build();
    }

    /** A summary: {@code quantile} samples, {@code _sum} and {@code _count}, per label set. */
    private MetricSnapshot summary(PrometheusText.Family family, String name) {
        Map<Map<String, String>, List<Quantile>> quantiles = new LinkedHashMap<>();
        Map<Map<String, String>, Double> sums = new LinkedHashMap<>();
        Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
        for (PrometheusText.Sample s : family.samples()) {
            Map<String, String> rest = new TreeMap<>(s.labels());
            if (s.name().equals(family.name())) {
                String q = rest.remove("quantile");
                if (q == null) {
                    throw new IllegalArgumentException("a summary sample without quantile");
                }
                quantiles.computeIfAbsent(rest, k -> new ArrayList<>()).add(new Quantile(Double.parseDouble(q), s.value()));
            } else {
                (s.name().endsWith("_sum") ? sums : counts).put(rest, s.value());
                quantiles.computeIfAbsent(rest, k -> new ArrayList<>());
            }
        }
        SummarySnapshot.Builder b = SummarySnapshot.builder().name(name).help(family.help());
        quantiles.forEach((labels, qs) -> {
            SummarySnapshot.SummaryDataPointSnapshot.Builder point = SummarySnapshot.SummaryDataPointSnapshot.builder()
                    .quantiles(Quantiles.of(qs)).labels(labels(labels, Map.of()));
            if (sums.containsKey(labels)) {
                point.sum(sums.get(labels));
            }
            if (counts.containsKey(labels)) {
                point.count(Math.round(counts.get(labels)));
            }
            b.dataPoint(point.build());
        });
        return b.build();
    }

    private List<MetricSnapshot> fromJson(String body) throws IOException {
        JsonNode root = JSON.readTree(body);
        List<MetricSnapshot> snapshots = new ArrayList<>();
        for (ScrapeSpec.JsonValue value : spec.values()) {
            JsonNode node = root == null ? null : root.at(value.pointer());
            if (node == null || !(node.isNumber() || node.isBoolean())) {
                dropped.increment();
                LOG.debug("adapter: scrape {}: no number at {}", spec.name(), value.pointer());
                continue;
            }
            double v = node.isBoolean() ? (node.booleanValue() ? 1 : 0) : node.doubleValue(Double.NaN);
            if (Double.isNaN(v)) { // beyond a double's range: +Inf or -Inf, as Prometheus writes it, and the scrape goes on
                v = node.decimalValue().signum() < 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            String name = PrometheusNaming.sanitizeMetricName(spec.prefix() + value.name());
            Labels labels = labels(Map.of(), value.labels());
            snapshots.add(value.type().equals("counter")
                    ? CounterSnapshot.builder().name(name).dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels)
                            .value(v).build()).build()
                    : GaugeSnapshot.builder().name(name).dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels)
                            .value(v).build()).build());
        }
        return snapshots;
    }

    /** The scraped labels, a clash with the scrape's constant labels kept as {@code exported_NAME}, plus those constant labels. */
    private Labels labels(Map<String, String> scraped, Map<String, String> own) {
        Map<String, String> all = new TreeMap<>();
        scraped.forEach((k, v) -> all.put(spec.labels().containsKey(k) || own.containsKey(k) ? "exported_" + k : k, v));
        all.putAll(own);
        all.putAll(spec.labels());
        return Labels.of(new ArrayList<>(all.keySet()), new ArrayList<>(all.values()));
    }
}

package io.patternkit.sidecar.adapter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.patternkit.sidecar.common.Redaction;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link SqlMetricSpec} and keeps its gauges (Micrometer {@link MultiGauge}s, one per value
 * column, whose rows are replaced at every run). A failed run keeps the last values, counts
 * {@code patternkit.adapter.sql.errors} and logs once until the query works again. Runs on one
 * worker thread at a time.
 */
final class SqlMetric {
    private static final Logger LOG = LoggerFactory.getLogger(SqlMetric.class);
    private final SqlMetricSpec spec;
    private final Function<String, String> env;
    private final Map<String, MultiGauge> gauges = new LinkedHashMap<>();
    private final Counter errors;
    private boolean failing;

    SqlMetric(SqlMetricSpec spec, Function<String, String> env, MeterRegistry registry) {
        this.spec = spec;
        this.env = env;
        for (String column : spec.values()) {
            gauges.put(column, MultiGauge.builder(spec.name() + "_" + column)
                    .description("From the adapter's SQL metric " + spec.name() + ", column " + column).register(registry));
        }
        this.errors = Counter.builder("patternkit.adapter.sql.errors").tag("metric", spec.name())
                .description("Failed runs of the adapter's SQL metric").register(registry);
    }

    /** Runs the query once and replaces the gauges' rows; blocks. */
    synchronized void run() {
        Map<String, List<MultiGauge.Row<?>>> rows = new LinkedHashMap<>();
        spec.values().forEach(column -> rows.put(column, new ArrayList<>()));
        try (Connection connection = spec.jdbc().connect(env, spec.timeout()); Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(CheckSpec.Jdbc.seconds(spec.timeout()));
            try (ResultSet result = statement.executeQuery(spec.query())) {
                while (result.next()) {
                    List<String> tags = new ArrayList<>();
                    for (String label : spec.labels()) {
                        String value = result.getString(label);
                        tags.add(label);
                        tags.add(value == null ? "" : value);
                    }
                    for (String column : spec.values()) {
                        double value = result.getDouble(column);
                        if (!result.wasNull()) {
                            rows.get(column).add(MultiGauge.Row.of(Tags.of(tags.toArray(String[]::new)), value));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            errors.increment();
            if (!failing) {
                LOG.warn("adapter: SQL metric {} failed, keeping its last values: {}: {}", spec.name(), spec.jdbc().redactedUrl(),
                        Redaction.scrubbed(e.getMessage(), spec.jdbc().url()));
            }
            failing = true;
            return;
        }
        if (failing) {
            LOG.info("adapter: SQL metric {} works again", spec.name());
        }
        failing = false;
        gauges.forEach((column, gauge) -> gauge.register(rows.get(column), true));
    }
}

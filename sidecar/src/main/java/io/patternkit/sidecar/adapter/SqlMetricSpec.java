package io.patternkit.sidecar.adapter;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;

/**
 * A query whose rows become gauges, as postgres_exporter's custom queries do: every {@code interval}
 * the query runs, and for each row and each of the {@code values} columns the gauge
 * {@code NAME_COLUMN} (Prometheus spelling) takes the column's number, labelled by the
 * {@code labels} columns. A series whose row is gone is removed.
 *
 * @param name the metric name's stem, such as {@code pg_stat_activity}: letters, digits and {@code _}
 * @param jdbc the database and its credentials; its own {@code query} is not used
 * @param query the query
 * @param labels the columns that become labels, possibly none
 * @param values the numeric columns that become gauges, at least one
 * @param interval how often the query runs (default 15 s)
 * @param timeout the login and query timeout (default 5 s)
 */
public record SqlMetricSpec(String name, CheckSpec.Jdbc jdbc, String query, List<String> labels, List<String> values,
                            Duration interval, Duration timeout) {

    /**
     * Checks the spec.
     *
     * @param name the metric name's stem, such as {@code pg_stat_activity}: letters, digits and {@code _}
     * @param jdbc the database and its credentials; its own {@code query} is not used
     * @param query the query
     * @param labels the columns that become labels, possibly none
     * @param values the numeric columns that become gauges, at least one
     * @param interval how often the query runs (default 15 s)
     * @param timeout the login and query timeout (default 5 s)
     * @throws IllegalArgumentException when a member is out of range
     */
    public SqlMetricSpec {
        require(name != null && name.matches("[a-zA-Z_][a-zA-Z0-9_]{0,99}"), "sqlMetrics name '" + name
                + "' must be letters, digits and _, starting with a letter or _");
        String at = "sqlMetrics " + name + ": ";
        require(jdbc != null, at + "jdbc is required");
        require(query != null && !query.isBlank(), at + "query is required");
        labels = labels == null ? List.of() : List.copyOf(labels);
        require(values != null && !values.isEmpty(), at + "values must name at least one column");
        values = List.copyOf(values);
        require(interval.toMillis() >= 100, at + "interval must be at least 100ms");
        require(timeout.toMillis() >= 1 && timeout.compareTo(interval) <= 0, at + "timeout must be 1ms to interval");
    }

    @JsonCreator
    static SqlMetricSpec fromJson(@JsonProperty(value = "name", required = true) String name,
                                  @JsonProperty(value = "jdbc", required = true) CheckSpec.Jdbc jdbc,
                                  @JsonProperty(value = "query", required = true) String query,
                                  @JsonProperty("labels") List<String> labels,
                                  @JsonProperty(value = "values", required = true) List<String> values,
                                  @JsonProperty("interval") Duration interval, @JsonProperty("timeout") Duration timeout) {
        return new SqlMetricSpec(name, jdbc, query, labels, values, interval == null ? Duration.ofSeconds(15) : interval,
                timeout == null ? Duration.ofSeconds(5) : timeout);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}

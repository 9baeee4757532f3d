package io.patternkit.sidecar.adapter;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.patternkit.sidecar.adapter.logs.LogsSpec;
import io.patternkit.sidecar.adapter.scrape.ScrapeSpec;
import io.patternkit.sidecar.common.ConfigFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * What the adapter does for its app, as {@code --adapter-config FILE} holds it (JSON, read strictly
 * by {@link ConfigFile}): health checks ({@link CheckSpec}), queries whose rows become gauges
 * ({@link SqlMetricSpec}), a statsd receiver ({@link Statsd}), a JMX collector ({@link Jmx}), other
 * metrics endpoints read at each scrape ({@link ScrapeSpec}) and the app's logs ({@link LogsSpec});
 * each part optional.
 *
 * @param checks the health checks, with unique names
 * @param sqlMetrics the SQL metrics, with unique names
 * @param statsd the statsd receiver, if any
 * @param jmx the JMX exporter's collector, if any
 * @param scrapes the metrics endpoints to read and relabel, with unique names and prefixes
 * @param logs the app's logs to read and normalise, if any
 */
public record AdapterConfig(List<CheckSpec> checks, List<SqlMetricSpec> sqlMetrics, Optional<Statsd> statsd, Optional<Jmx> jmx,
                            List<ScrapeSpec> scrapes, Optional<LogsSpec> logs) {
    /** Nothing to do: no checks, no metrics. */
    public static final AdapterConfig EMPTY = new AdapterConfig(List.of(), List.of(), Optional.empty(), Optional.empty(),
            List.of(), Optional.empty());

    /**
     * Checks that names are unique.
     *
     * @param checks the health checks, with unique names
     * @param sqlMetrics the SQL metrics, with unique names
     * @param statsd the statsd receiver, if any
     * @param jmx the JMX exporter's collector, if any
     * @param scrapes the metrics endpoints to read and relabel, with unique names and prefixes
     * @param logs the app's logs to read and normalise, if any
     * @throws IllegalArgumentException when two checks, two SQL metrics or two scrapes share a name, or two scrapes a prefix
     */
    public AdapterConfig {
        checks = List.copyOf(checks);
        sqlMetrics = List.copyOf(sqlMetrics);
        scrapes = List.copyOf(scrapes);
        unique(checks.stream().map(CheckSpec::name).toList(), "checks");
        unique(sqlMetrics.stream().map(SqlMetricSpec::name).toList(), "SQL metrics");
        unique(scrapes.stream().map(ScrapeSpec::name).toList(), "scrapes");
        unique(scrapes.stream().map(ScrapeSpec::prefix).toList(), "scrapes' prefixes");
    }

    /** @return whether a check or a scrape reads over HTTP, so that the adapter needs an HTTP client */
    public boolean readsOverHttp() {
        return !scrapes.isEmpty() || checks.stream().anyMatch(check -> check.http().isPresent());
    }

    @JsonCreator
    static AdapterConfig fromJson(@JsonProperty("checks") List<CheckSpec> checks,
                                  @JsonProperty("sqlMetrics") List<SqlMetricSpec> sqlMetrics,
                                  @JsonProperty("statsd") Statsd statsd, @JsonProperty("jmx") Jmx jmx,
                                  @JsonProperty("scrapes") List<ScrapeSpec> scrapes, @JsonProperty("logs") LogsSpec logs) {
        return new AdapterConfig(checks == null ? List.of() : checks, sqlMetrics == null ? List.of() : sqlMetrics,
                Optional.ofNullable(statsd), Optional.ofNullable(jmx), scrapes == null ? List.of() : scrapes, Optional.ofNullable(logs));
    }

    /**
     * @param file the config file
     * @return its config
     * @throws IllegalArgumentException when the file cannot be read or is invalid, naming the file and the member
     */
    public static AdapterConfig load(Path file) {
        return ConfigFile.read(file, AdapterConfig.class);
    }

    /**
     * The statsd receiver (as the Prometheus statsd_exporter).
     *
     * @param host the address to listen on (default {@code 127.0.0.1}: the app is in the same pod)
     * @param port the UDP port (default 8125, statsd's)
     * @param maxSeries the most series it makes; more are dropped and counted (default 10,000)
     */
    public record Statsd(String host, int port, int maxSeries) {
        /**
         * Checks the settings.
         *
         * @param host the address to listen on (default {@code 127.0.0.1}: the app is in the same pod)
         * @param port the UDP port (default 8125, statsd's)
         * @param maxSeries the most series it makes; more are dropped and counted (default 10,000)
         * @throws IllegalArgumentException when one is out of range
         */
        public Statsd {
            if (host == null || host.isBlank() || port < 0 || port > 65535 || maxSeries < 1) {
                throw new IllegalArgumentException("statsd needs a host, a port 0 to 65535 and maxSeries of at least 1");
            }
        }

        @JsonCreator
        static Statsd fromJson(@JsonProperty("host") String host, @JsonProperty("port") Integer port,
                               @JsonProperty("maxSeries") Integer maxSeries) {
            return new Statsd(host == null ? "127.0.0.1" : host, port == null ? 8125 : port, maxSeries == null ? 10_000 : maxSeries);
        }
    }

    /**
     * The metrics of a JVM that exposes only JMX, through the Prometheus JMX exporter's collector and
     * in its own config format ({@code jmxUrl} or {@code hostPort} of the JVM, {@code rules},
     * {@code includeObjectNames}, ...): either the exporter's YAML file as it is, or the same config
     * inline as JSON (which is YAML). Collected at each scrape of the sidecar's {@code /metrics}.
     *
     * @param yaml the exporter's config text
     * @param source where it came from, for the log
     */
    public record Jmx(String yaml, String source) {
        @JsonCreator
        static Jmx fromJson(@JsonProperty("rulesFile") Path rulesFile, @JsonProperty("config") JsonNode config) {
            if ((rulesFile == null) == (config == null)) {
                throw new IllegalArgumentException("jmx needs exactly one of rulesFile (the JMX exporter's YAML) and config");
            }
            if (config != null) {
                return new Jmx(config.toString(), "the inline config");
            }
            try {
                return new Jmx(Files.readString(rulesFile), rulesFile.toString());
            } catch (IOException e) {
                throw new IllegalArgumentException("jmx.rulesFile: cannot read " + rulesFile + ": " + e.getMessage(), e);
            }
        }
    }

    private static void unique(List<String> names, String what) {
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                throw new IllegalArgumentException("two " + what + " are named " + name);
            }
        }
    }
}

package io.patternkit.sidecar.adapter.scrape;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.patternkit.protocol.NameRule;
import io.patternkit.sidecar.common.Redaction;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import tools.jackson.core.JsonPointer;

/**
 * Another process's metrics endpoint, read at each scrape of the sidecar's {@code /metrics} and
 * served with the sidecar's own series: Prometheus text (every family, renamed and relabelled), or
 * a JSON document whose numbers, picked by JSON Pointer (RFC 6901), become gauges or counters, as
 * the Prometheus json_exporter does. Names get {@code prefix}, so that sources rarely clash (prefixes such as
 * {@code a_} and {@code a_b_} still can, as can a statsd series named like a scraped family: {@link Scrapes}
 * leaves out a family whose name is served already); every series gets the constant {@code labels}
 * (a scraped label of the same name is kept as {@code exported_NAME}, as Prometheus does with
 * {@code honor_labels: false}); {@code keep} and {@code drop} choose families by their scraped name.
 *
 * @param name the scrape's name (a DNS-1123 label), in its {@code up} series and the logs
 * @param url the endpoint, http or https
 * @param format {@code prometheus} or {@code json}
 * @param prefix put before every name (default the scrape's name and {@code _}, with {@code -} as {@code _})
 * @param labels added to every series
 * @param keep only families whose scraped name matches (whole), or empty for all
 * @param drop no family whose scraped name matches (whole), or empty for none
 * @param values for {@code json}: the numbers to take
 * @param timeout how long one read of the endpoint may take (default 2 s)
 */
public record ScrapeSpec(String name, URI url, String format, String prefix, Map<String, String> labels, Optional<Pattern> keep,
                         Optional<Pattern> drop, List<JsonValue> values, Duration timeout) {
    /**
     * Checks the spec.
     *
     * @param name the scrape's name (a DNS-1123 label), in its {@code up} series and the logs
     * @param url the endpoint, http or https
     * @param format {@code prometheus} or {@code json}
     * @param prefix put before every name (default the scrape's name and {@code _}, with {@code -} as {@code _})
     * @param labels added to every series
     * @param keep only families whose scraped name matches (whole), or empty for all
     * @param drop no family whose scraped name matches (whole), or empty for none
     * @param values for {@code json}: the numbers to take
     * @param timeout how long one read of the endpoint may take (default 2 s)
     * @throws IllegalArgumentException when a member is invalid, naming it
     */
    public ScrapeSpec {
        if (name == null || !NameRule.UPSTREAM.matches(name)) {
            throw new IllegalArgumentException("scrape name '" + name + "': " + NameRule.UPSTREAM.requirement());
        }
        String at = "scrape " + name + ": ";
        if (url == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
            throw new IllegalArgumentException(at + "url must be an http or https URL");
        }
        if (!format.equals("prometheus") && !format.equals("json")) {
            throw new IllegalArgumentException(at + "format must be prometheus or json");
        }
        if (format.equals("json") == values.isEmpty()) {
            throw new IllegalArgumentException(at + "values are given for the json format, and only for it");
        }
        if (!prefix.isEmpty() && !PrometheusText.validName(prefix)) {
            throw new IllegalArgumentException(at + "prefix '" + prefix + "' is not the start of a metric name");
        }
        labels = Map.copyOf(labels);
        labels.keySet().forEach(l -> {
            if (!l.matches("[a-zA-Z_][a-zA-Z0-9_]*") || l.startsWith("__")) {
                throw new IllegalArgumentException(at + "label name '" + l + "' is not a Prometheus label name");
            }
        });
        values = List.copyOf(values);
        if (timeout.toMillis() < 1) {
            throw new IllegalArgumentException(at + "timeout must be at least 1ms");
        }
    }

    @JsonCreator
    static ScrapeSpec fromJson(@JsonProperty(value = "name", required = true) String name,
                               @JsonProperty(value = "url", required = true) URI url, @JsonProperty("format") String format,
                               @JsonProperty("prefix") String prefix, @JsonProperty("labels") Map<String, String> labels,
                               @JsonProperty("keep") String keep, @JsonProperty("drop") String drop,
                               @JsonProperty("values") List<JsonValue> values, @JsonProperty("timeout") Duration timeout) {
        return new ScrapeSpec(name, url, format == null ? "prometheus" : format.toLowerCase(Locale.ROOT),
                prefix == null ? name.replace('-', '_').replace('.', '_') + "_" : prefix, labels == null ? Map.of() : labels,
                regex(name, "keep", keep), regex(name, "drop", drop), values == null ? List.of() : values,
                timeout == null ? Duration.ofSeconds(2) : timeout);
    }

    private static Optional<Pattern> regex(String scrape, String member, String text) {
        try {
            return Optional.ofNullable(text).map(Pattern::compile);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("scrape " + scrape + ": " + member + " is not a regular expression: " + e.getDescription());
        }
    }

    /** @return the URL without its user info and query, for logs */
    public String where() {
        return Redaction.url(url);
    }

    /** @return whether a family of this scraped name is served */
    boolean wants(String family) {
        return keep.map(k -> k.matcher(family).matches()).orElse(true) && drop.map(d -> !d.matcher(family).matches()).orElse(true);
    }

    /**
     * One number of a JSON document.
     *
     * @param pointer where it is (RFC 6901), such as {@code /pool/active}; a boolean counts as 1 or 0
     * @param name its metric name (after the prefix)
     * @param type {@code gauge} or {@code counter}
     * @param labels its own labels, beside the scrape's
     */
    public record JsonValue(JsonPointer pointer, String name, String type, Map<String, String> labels) {
        @JsonCreator
        static JsonValue fromJson(@JsonProperty(value = "pointer", required = true) String pointer,
                                  @JsonProperty(value = "name", required = true) String name, @JsonProperty("type") String type,
                                  @JsonProperty("labels") Map<String, String> labels) {
            JsonPointer parsed;
            try {
                parsed = JsonPointer.compile(pointer);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("value " + name + ": pointer '" + pointer + "' is not a JSON Pointer: " + e.getMessage());
            }
            String t = type == null ? "gauge" : type.toLowerCase(Locale.ROOT);
            if (!PrometheusText.validName(name) || !(t.equals("gauge") || t.equals("counter"))) {
                throw new IllegalArgumentException("value " + name + ": needs a metric name and a type of gauge or counter");
            }
            return new JsonValue(parsed, name, t, labels == null ? Map.of() : Map.copyOf(labels));
        }
    }
}

package io.patternkit.sidecar.adapter.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The text exposition format as client libraries write it, and what is not it. */
class PrometheusTextTest {
    @Test
    void readsFamiliesWithTheirTypesHelpLabelsAndSuffixedSamples() throws Exception {
        List<PrometheusText.Family> families = PrometheusText.parse("""
                # HELP http_requests_total Requests.\\nAll of them.
                # TYPE http_requests_total counter
                http_requests_total{method="GET",path="/a \\"quoted\\" \\\\ back\\nslash"} 1027 1395066363000
                http_requests_total{method="POST",} 3
                # A comment that is neither HELP nor TYPE
                # TYPE latency_seconds histogram
                latency_seconds_bucket{le="0.1"} 2
                latency_seconds_bucket{le="+Inf"} 3
                latency_seconds_sum 0.7
                latency_seconds_count 3
                # TYPE rpc summary
                rpc{quantile="0.5"} NaN
                rpc_sum 1e3
                rpc_count 2
                temperature -Inf
                """);
        assertThat(families).extracting(PrometheusText.Family::name).containsExactly("http_requests_total", "latency_seconds", "rpc",
                "temperature");
        PrometheusText.Family requests = families.get(0);
        assertThat(requests.type()).isEqualTo(PrometheusText.Type.COUNTER);
        assertThat(requests.help()).isEqualTo("Requests.\nAll of them.");
        assertThat(requests.samples().get(0).labels()).isEqualTo(Map.of("method", "GET", "path", "/a \"quoted\" \\ back\nslash"));
        assertThat(requests.samples().get(1).value()).isEqualTo(3);
        assertThat(families.get(1).samples()).hasSize(4);
        assertThat(families.get(2).samples().get(0).value()).isNaN();
        assertThat(families.get(2).samples().get(1).value()).isEqualTo(1000);
        assertThat(families.get(3).type()).isEqualTo(PrometheusText.Type.UNTYPED);
        assertThat(families.get(3).samples().get(0).value()).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void helpEscapesAreReadInOnePass() throws Exception {
        assertThat(PrometheusText.parse("# HELP x a path C:\\\\new and\\nnext\nx 1\n").get(0).help())
                .isEqualTo("a path C:\\new and\nnext");
    }

    @Test
    void whatIsNotTheFormatIsRefusedNamingTheLine() {
        for (String bad : List.of("9lives 1", "x{a=\"1\"} one", "x{a=1} 1", "x{a=\"1\",a=\"2\"} 1", "x{a=\"\\t\"} 1", "x 1 2 3",
                "x 1d", "x 0x10", "# TYPE x histogramm", "x{a=\"open} 1", "x 1 12.5")) {
            assertThatThrownBy(() -> PrometheusText.parse("ok 1\n" + bad)).as(bad).isInstanceOf(PrometheusText.FormatException.class)
                    .hasMessageStartingWith("line 2: ");
        }
        assertThatThrownBy(() -> PrometheusText.parse("x 1\n# TYPE x gauge")).hasMessage("line 2: # TYPE x after its samples");
    }
}

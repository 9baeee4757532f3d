package io.patternkit.sidecar.ambassador;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The ambassador's meters, served at the host's {@code /metrics}: requests by upstream, version,
 * shard and status ({@code patternkit.ambassador.requests}, a timer whose {@code source} tag says
 * whether the upstream or the ambassador answered), retries by reason, retries the budget denied, hedges
 * and hedges the budget denied, mirrored copies by the shadow's status,
 * and ejected endpoints per upstream. Thread-safe.
 */
final class AmbassadorMetrics {
    private final MeterRegistry registry;
    private final Meter.MeterProvider<Timer> requests;
    private final Meter.MeterProvider<Counter> retries;
    private final Meter.MeterProvider<Counter> denied;
    private final Meter.MeterProvider<Counter> hedges;
    private final Meter.MeterProvider<Counter> hedgesDenied;
    private final Meter.MeterProvider<Counter> mirrored;

    /** @param registry the host's registry */
    AmbassadorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.requests = Timer.builder("patternkit.ambassador.requests")
                .description("Requests the ambassador proxied or answered itself, by upstream, version, shard and status")
                .withRegistry(registry);
        this.retries = Counter.builder("patternkit.ambassador.retries")
                .description("Attempts retried on another replica, by reason").withRegistry(registry);
        this.denied = Counter.builder("patternkit.ambassador.retries.denied")
                .description("Retries not made because the upstream's retry budget was spent").withRegistry(registry);
        this.hedges = Counter.builder("patternkit.ambassador.hedges")
                .description("Hedged attempts sent to a second replica because the first was slow").withRegistry(registry);
        this.hedgesDenied = Counter.builder("patternkit.ambassador.hedges.denied")
                .description("Hedges not sent because the upstream's hedging budget was spent").withRegistry(registry);
        this.mirrored = Counter.builder("patternkit.ambassador.mirrored")
                .description("Request copies sent to the shadow upstream, by its answer's status (or error)").withRegistry(registry);
    }

    /**
     * Registers the ejected-endpoints gauge of an upstream.
     *
     * @param upstream the upstream, read at each scrape
     */
    void watch(Upstream upstream) {
        Gauge.builder("patternkit.ambassador.endpoints.ejected", upstream, Upstream::ejectedEndpoints)
                .description("Endpoints whose circuit is open (ejected by outlier detection)")
                .tag("upstream", upstream.name()).register(registry);
    }

    /**
     * Records one request's end.
     *
     * @param upstream the upstream
     * @param version the version, or {@code none} when the request was refused before routing
     * @param shard the shard, or {@code none}
     * @param status the HTTP status sent to the app
     * @param fromUpstream whether an upstream answered it (not the ambassador)
     * @param elapsed the time from the request's arrival to the end of the answer
     */
    void request(String upstream, String version, String shard, int status, boolean fromUpstream, Duration elapsed) {
        requests.withTags(Tags.of("upstream", upstream, "version", version, "shard", shard, "status", Integer.toString(status),
                "source", fromUpstream ? "upstream" : "ambassador")).record(elapsed);
    }

    /**
     * @param upstream the upstream
     * @param reason {@code connect}, {@code timeout}, {@code reset} or {@code status}
     */
    void retry(String upstream, String reason) {
        retries.withTags(Tags.of("upstream", upstream, "reason", reason)).increment();
    }

    /**
     * @param upstream the upstream whose request was copied to its shadow
     * @param status the shadow's status, or {@code error}
     */
    void mirrored(String upstream, String status) {
        mirrored.withTags(Tags.of("upstream", upstream, "status", status)).increment();
    }

    /** @param upstream the upstream that sent a hedged attempt */
    void hedge(String upstream) {
        hedges.withTags(Tags.of("upstream", upstream)).increment();
    }

    /** @param upstream the upstream whose hedging budget refused a hedge */
    void hedgeDenied(String upstream) {
        hedgesDenied.withTags(Tags.of("upstream", upstream)).increment();
    }

    /** @param upstream the upstream whose budget refused a retry */
    void retryDenied(String upstream) {
        denied.withTags(Tags.of("upstream", upstream)).increment();
    }
}

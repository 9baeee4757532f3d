package io.patternkit.sidecar.host;

import io.micrometer.core.instrument.MeterRegistry;
import io.patternkit.sidecar.common.Ticker;
import io.vertx.core.Vertx;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the host shares with every pattern it starts: one Vert.x, one metrics registry (served at
 * {@code /metrics}), one JSON mapper, the API token (which scatter/gather also sends to leaves),
 * the monotonic clock, the engine, opened once, and the directory of instances one pattern
 * publishes for another.
 *
 * @param vertx the Vert.x instance the server runs on
 * @param registry the metrics registry
 * @param mapper the JSON mapper
 * @param token the API token as the patterns send it to the servers they call; never logged
 * @param ticker the monotonic clock by which leases, registrations and latency windows expire (waits
 *     timed by Vert.x timers run on the JVM's clock)
 * @param engines the engine the patterns store their state in
 * @param directory where a pattern publishes the instances it knows of for another to route to
 */
public record HostContext(Vertx vertx, MeterRegistry registry, JsonMapper mapper, OutboundToken token,
                          Ticker ticker, EngineFamily engines, InstanceDirectory directory) {

    /**
     * Opens the pattern's engine on the host's engine.
     *
     * @param spi the pattern's engine interface
     * @param pattern the pattern's name, for the error
     * @param <T> the interface
     * @return the implementation
     * @throws IllegalArgumentException when the configured engine does not serve the pattern
     * @throws io.patternkit.sidecar.common.EngineException when the engine cannot be opened
     */
    public <T> T engine(Class<T> spi, String pattern) {
        return engines.open(spi).orElseThrow(() -> new IllegalArgumentException(
                "--engine " + engines.name() + " does not serve the " + pattern + " pattern"));
    }

    @Override
    public String toString() {
        return "HostContext[engine=" + engines.name() + ", token=" + token + "]";
    }
}

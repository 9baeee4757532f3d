package io.patternkit.core.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.patternkit.core.ClientMetrics;
import io.patternkit.core.SidecarCallContext;
import io.patternkit.core.SidecarConfig;
import io.patternkit.core.SidecarUnavailableException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each SDK call as one Micrometer Observation, retries included, with a handler that propagates a trace the way a
 * tracing bridge does (it sets {@code traceparent} into the sender context's carrier when the observation starts).
 */
class TransportObservationTest {
    private final WireMockServer server = new WireMockServer(options().dynamicPort());
    private final List<SidecarCallContext> stopped = new CopyOnWriteArrayList<>();
    private final ObservationRegistry observations = ObservationRegistry.create();

    /** Records stopped contexts and propagates a fixed trace. */
    private final class Handler implements ObservationHandler<SidecarCallContext> {
        @Override
        public void onStart(SidecarCallContext context) {
            context.getSetter().set(context.getCarrier(), "traceparent",
                    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        }

        @Override
        public void onStop(SidecarCallContext context) {
            stopped.add(context);
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return context instanceof SidecarCallContext;
        }
    }

    @BeforeEach
    void start() {
        server.start();
        observations.observationConfig().observationHandler(new Handler());
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private SidecarConfig config() {
        return SidecarConfig.builder().baseUrl(URI.create(server.baseUrl())).observationRegistry(observations)
                .retryBackoff(Duration.ofMillis(5)).maxRetries(2).callTimeout(Duration.ofSeconds(10)).build();
    }

    @Test
    void aCallWithARetryIsOneObservationAndEveryAttemptCarriesTheTrace() {
        server.stubFor(get("/stats").inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        server.stubFor(get("/stats").inScenario("flaky").whenScenarioStateIs("up").willReturn(okJson("{}")));
        try (Transport t = new Transport(config())) {
            t.execute(SidecarCall.get("stats", "/stats"), Object.class);
        }
        server.verify(2, getRequestedFor(urlEqualTo("/stats")).withHeader("traceparent",
                equalTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")));
        assertThat(stopped).singleElement().satisfies(c -> {
            assertThat(c.getName()).isEqualTo(SidecarCallContext.NAME);
            assertThat(c.getContextualName()).isEqualTo("patternkit stats");
            assertThat(c.operation()).isEqualTo("stats");
            assertThat(c.outcome()).isEqualTo(ClientMetrics.OUTCOME_SUCCESS);
            assertThat(c.getLowCardinalityKeyValue(ClientMetrics.TAG_OUTCOME).getValue()).isEqualTo("success");
            assertThat(c.getError()).isNull();
        });
    }

    @Test
    void aFailedCallIsObservedWithItsOutcomeAndError() {
        server.stubFor(get("/stats").willReturn(aResponse().withStatus(503)));
        try (Transport t = new Transport(config())) {
            assertThatThrownBy(() -> t.execute(SidecarCall.get("stats", "/stats"), Object.class))
                    .isInstanceOf(SidecarUnavailableException.class);
        }
        assertThat(stopped).singleElement().satisfies(c -> {
            assertThat(c.outcome()).isNotEqualTo(ClientMetrics.OUTCOME_SUCCESS);
            assertThat(c.getLowCardinalityKeyValue(ClientMetrics.TAG_OPERATION).getValue()).isEqualTo("stats");
            assertThat(c.getError()).isInstanceOf(SidecarUnavailableException.class);
        });
    }

    @Test
    void withoutARegistryNothingIsSentBeyondTheCall() {
        server.stubFor(get("/stats").willReturn(okJson("{}")));
        try (Transport t = new Transport(SidecarConfig.builder().baseUrl(URI.create(server.baseUrl())).build())) {
            t.execute(SidecarCall.get("stats", "/stats"), Object.class);
        }
        assertThat(server.getAllServeEvents()).singleElement()
                .satisfies(e -> assertThat(e.getRequest().containsHeader("traceparent")).isFalse());
    }
}

package io.patternkit.workqueue;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.patternkit.core.contract.ContractValidator.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.patternkit.core.contract.ContractValidator;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.patternkit.core.CallTimeoutException;
import io.patternkit.core.FieldError;
import io.patternkit.core.InvalidRequestException;
import io.patternkit.core.PatternkitException;
import io.patternkit.core.ProtocolException;
import io.patternkit.core.RateLimitedException;
import io.patternkit.core.SidecarConfig;
import io.patternkit.core.SidecarUnavailableException;
import io.patternkit.core.UnauthorizedException;
import io.patternkit.protocol.ProblemType;
import java.net.URI;
import java.time.Duration;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Faults on the wire, and error answers, mapped to the typed exceptions, with retries only where safe. */
class WorkQueueFaultTest {
    private static final String Q = "/v1/queues/jobs";
    private static final String STATS = "{\"queue\":\"jobs\",\"ready\":1,\"delayed\":0,\"inFlight\":0,\"dead\":0,"
            + "\"acked\":0,\"oldestReadyAgeMs\":0}";

    private final WireMockServer server = new WireMockServer(options().dynamicPort());
    private WorkQueueClient client;
    private WorkQueue queue;

    @BeforeEach
    void start() {
        server.start();
        client = WorkQueueClient.create(SidecarConfig.builder().baseUrl(URI.create(server.baseUrl()))
                .maxRetries(2).retryBackoff(Duration.ofMillis(5))
                .callTimeout(Duration.ofSeconds(3)) // a cold first call loads OkHttp, Jackson and WireMock's handlers
                .circuitBreakerWindow(1000).build());
        queue = client.queue("jobs");
    }

    @AfterEach
    void stop() {
        client.close();
        try {
            ContractValidator.assertAllRequestsValid(server);
        } finally {
            server.stop();
        }
    }

    private int requests() {
        return server.getAllServeEvents().size();
    }

    @Test
    void aResetIdempotentCallIsRetriedThenReportedAsUnavailable() {
        server.stubFor(get(Q + "/stats").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        assertThatThrownBy(queue::stats).isInstanceOf(SidecarUnavailableException.class)
                .hasMessageContaining(server.baseUrl()).satisfies(e ->
                        assertThat(((PatternkitException) e).isRetryable()).isTrue());
        assertThat(requests()).isEqualTo(3);
    }

    @Test
    void aResetClaimIsNotRetriedBecauseItMayHaveBeenProcessed() {
        server.stubFor(post(Q + "/claim").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        assertThatThrownBy(() -> queue.claim(1, Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(SidecarUnavailableException.class);
        assertThat(requests()).isEqualTo(1);
    }

    @Test
    void anEmptyResponseIsAnOutage() {
        server.stubFor(post(Q + "/ack").willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));
        assertThatThrownBy(() -> queue.ack("r1")).isInstanceOf(SidecarUnavailableException.class);
        assertThat(requests()).isEqualTo(3);
    }

    @Test
    void aMalformedChunkIsAProtocolError() {
        server.stubFor(get(Q + "/stats").willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
        assertThatThrownBy(queue::stats).isInstanceOf(ProtocolException.class).hasMessageContaining("cut off");
        assertThat(requests()).isEqualTo(1);
    }

    @Test
    void randomDataIsNotMistakenForAnAnswer() {
        server.stubFor(get(Q + "/stats").willReturn(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)));
        assertThatThrownBy(queue::stats).isInstanceOfAny(ProtocolException.class, SidecarUnavailableException.class)
                .satisfies(e -> assertThat(((PatternkitException) e).status()).isZero());
    }

    @Test
    void truncatedAndGarbageBodiesAreProtocolErrors() {
        server.stubFor(get(Q + "/stats").willReturn(okJson("{\"ready\":1,\"dela")));
        assertThatThrownBy(queue::stats).isInstanceOf(ProtocolException.class).hasMessageContaining("cannot parse");
        server.stubFor(post(Q + "/claim").willReturn(aResponse().withStatus(200).withBody("<html>hello</html>")));
        assertThatThrownBy(() -> queue.claim(1, Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(ProtocolException.class);
        server.stubFor(post(Q + "/extend").willReturn(okJson("{}")));
        assertThatThrownBy(() -> queue.extend("r", Duration.ofSeconds(1))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("visibleUntil");
    }

    @Test
    void aDelayBeyondTheCallTimeoutIsATimeoutButALongPollMayTakeItsWait() {
        server.stubFor(get(Q + "/stats").willReturn(okJson(STATS).withFixedDelay(1500)));
        SidecarConfig noRetry = SidecarConfig.builder().baseUrl(URI.create(server.baseUrl())).maxRetries(0)
                .callTimeout(Duration.ofMillis(300)).build();
        try (WorkQueueClient c = WorkQueueClient.create(noRetry)) {
            assertThatThrownBy(() -> c.queue("jobs").stats()).isInstanceOf(CallTimeoutException.class)
                    .satisfies(e -> assertThat(((PatternkitException) e).isRetryable()).isTrue());
            server.stubFor(post(Q + "/claim").willReturn(okJson("{\"items\":[]}").withFixedDelay(500)));
            assertThat(c.queue("jobs").claim(1, Duration.ofSeconds(1), Duration.ofMillis(600))).isEmpty();
        }
    }

    @Test
    void rateLimitedIdempotentCallsAreRetriedAfterRetryAfter() {
        server.stubFor(get(Q + "/stats").inScenario("rl").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(problem(ProblemType.RATE_LIMITED, "").withHeader("Retry-After", "0"))
                .willSetStateTo("ok"));
        server.stubFor(get(Q + "/stats").inScenario("rl").whenScenarioStateIs("ok").willReturn(okJson(STATS)));
        assertThat(queue.stats().ready()).isEqualTo(1);
        assertThat(requests()).isEqualTo(2);
    }

    @Test
    void rateLimitedClaimsAreNotRetried() {
        server.stubFor(post(Q + "/claim").willReturn(problem(ProblemType.RATE_LIMITED, "")
                .withHeader("Retry-After", "3")));
        assertThatThrownBy(() -> queue.claim(1, Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOfSatisfying(RateLimitedException.class,
                        e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(3)));
        assertThat(requests()).isEqualTo(1);
    }

    @Test
    void unavailableAcksAreRetriedHonouringRetryAfter() {
        server.stubFor(post(Q + "/ack").inScenario("u").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(problem(ProblemType.ENGINE_UNAVAILABLE, "").withHeader("Retry-After", "1"))
                .willSetStateTo("ok"));
        server.stubFor(post(Q + "/ack").inScenario("u").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(204)));
        queue.ack("r1");
        List<Date> times = server.getAllServeEvents().stream().map(e -> e.getRequest().getLoggedDate())
                .sorted(Comparator.naturalOrder()).toList();
        assertThat(times).hasSize(2);
        assertThat(times.get(1).getTime() - times.get(0).getTime()).isGreaterThanOrEqualTo(900);
    }

    @Test
    void aStaleReceiptIsAReceiptStaleException() {
        server.stubFor(post(Q + "/ack").willReturn(problem(ProblemType.RECEIPT_STALE, ",\"detail\":\"redelivered\"")));
        server.stubFor(post(Q + "/nack").willReturn(problem(ProblemType.RECEIPT_STALE, "")));
        server.stubFor(post(Q + "/extend").willReturn(problem(ProblemType.RECEIPT_STALE, "")));
        assertThatThrownBy(() -> queue.ack("r1")).isInstanceOf(ReceiptStaleException.class)
                .hasMessageContaining("do not retry the ack")
                .satisfies(e -> assertThat(((PatternkitException) e).status()).isEqualTo(409));
        assertThatThrownBy(() -> queue.nack("r1", Nack.withBackoff())).isInstanceOf(ReceiptStaleException.class);
        assertThatThrownBy(() -> queue.extend("r1", Duration.ofSeconds(1))).isInstanceOf(ReceiptStaleException.class);
        assertThat(requests()).isEqualTo(3);
    }

    @Test
    void anInvalidRequestCarriesItsFieldErrors() {
        server.stubFor(post(Q + "/items").willReturn(problem(ProblemType.INVALID_REQUEST,
                ",\"errors\":[{\"field\":\"payload\",\"message\":\"too deep\"}]")));
        assertThatThrownBy(() -> queue.enqueue(Enqueue.json("[1]").dedupKey("k")))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.fieldErrors()).containsExactly(new FieldError("payload", "too deep")));
        assertThat(requests()).isEqualTo(1);
    }

    @Test
    void unauthorizedSaysWhichVariableToSet() {
        server.stubFor(get(Q + "/stats").willReturn(problem(ProblemType.UNAUTHORIZED, "")));
        assertThatThrownBy(queue::stats).isInstanceOf(UnauthorizedException.class)
                .hasMessageContaining("set PATTERNKIT_API_TOKEN to the sidecar's token");
        assertThat(requests()).isEqualTo(1);
    }

    @Test
    void theCircuitOpensAfterRepeatedOutages() {
        server.stubFor(get(Q + "/stats").willReturn(problem(ProblemType.ENGINE_UNAVAILABLE, "")));
        SidecarConfig c = SidecarConfig.builder().baseUrl(URI.create(server.baseUrl())).maxRetries(0)
                .circuitBreakerWindow(3).circuitBreakerOpenDuration(Duration.ofMinutes(1)).build();
        try (WorkQueueClient breaking = WorkQueueClient.create(c)) {
            WorkQueue q = breaking.queue("jobs");
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(q::stats).isInstanceOf(SidecarUnavailableException.class);
            }
            assertThatThrownBy(q::stats).isInstanceOf(SidecarUnavailableException.class)
                    .hasMessageContaining("circuit breaker is open");
        }
        assertThat(requests()).isEqualTo(3);
    }
}

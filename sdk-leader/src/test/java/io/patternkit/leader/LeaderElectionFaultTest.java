package io.patternkit.leader;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.patternkit.core.contract.ContractValidator.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import io.patternkit.core.CallTimeoutException;
import io.patternkit.core.ConflictException;
import io.patternkit.core.PatternkitException;
import io.patternkit.core.ProtocolException;
import io.patternkit.core.SidecarConfig;
import io.patternkit.core.SidecarUnavailableException;
import io.patternkit.core.UnauthorizedException;
import io.patternkit.core.contract.ContractValidator;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Faults on the wire, and error answers, mapped to the typed exceptions, with retries only where safe. */
class LeaderElectionFaultTest {
    private static final String E = "/v1/elections/billing";
    private static final String OBSERVED = "{\"election\":\"billing\",\"leaderId\":\"a\",\"term\":1,"
            + "\"fencingToken\":1,\"validForMs\":1000,\"leaseDurationMs\":15000,\"changed\":false}";

    private final WireMockServer server = new WireMockServer(options().dynamicPort());
    private LeaderElectionClient client;

    @BeforeEach
    void start() {
        server.start();
        client = LeaderElectionClient.create(SidecarConfig.builder().baseUrl(URI.create(server.baseUrl()))
                .maxRetries(2).retryBackoff(Duration.ofMillis(5)).callTimeout(Duration.ofSeconds(3))
                .circuitBreakerWindow(1000).build());
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

    private static Lease lease() {
        return new Lease("billing", "a", 1, 1, Duration.ofSeconds(1), Duration.ofSeconds(15), Duration.ofSeconds(10),
                Duration.ofSeconds(2), Instant.EPOCH);
    }

    private int requests() {
        return server.getAllServeEvents().size();
    }

    @Test
    void aResetRenewIsRetriedThenReportedAsUnavailable() {
        server.stubFor(post(E + "/renew").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        assertThatThrownBy(() -> client.renewLeadership(lease())).isInstanceOf(SidecarUnavailableException.class)
                .hasMessageContaining(server.baseUrl())
                .satisfies(e -> assertThat(((PatternkitException) e).isRetryable()).isTrue());
        assertThat(requests()).isEqualTo(3);
    }

    @Test
    void aResetResignIsNotRetriedBecauseItMayHaveReleased() {
        server.stubFor(post(E + "/resign").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        assertThatThrownBy(() -> client.resign(lease())).isInstanceOf(SidecarUnavailableException.class);
        assertThat(requests()).isEqualTo(1);
    }

    @Test
    void garbageAndIncompleteAnswersAreProtocolErrors() {
        server.stubFor(post(E + "/campaign").willReturn(aResponse().withStatus(200).withBody("<html>hello</html>")));
        assertThatThrownBy(() -> client.becomeLeader("billing", "a", Duration.ZERO))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("cannot parse");
        server.stubFor(post(E + "/campaign").willReturn(okJson("{\"elected\":true,\"observed\":" + OBSERVED + "}")));
        assertThatThrownBy(() -> client.becomeLeader("billing", "a", Duration.ZERO))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("lease");
        server.stubFor(get(E).willReturn(okJson("{\"election\":\"billing\",\"term\":-1,\"fencingToken\":0,"
                + "\"validForMs\":0,\"leaseDurationMs\":1,\"changed\":true}")));
        assertThatThrownBy(() -> client.currentLeader("billing")).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("out of range");
        server.stubFor(get(E).willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
        assertThatThrownBy(() -> client.currentLeader("billing")).isInstanceOf(ProtocolException.class);
    }

    @Test
    void aDelayBeyondTheCallTimeoutIsATimeoutButAWatchMayTakeItsWait() {
        SidecarConfig noRetry = SidecarConfig.builder().baseUrl(URI.create(server.baseUrl())).maxRetries(0)
                .callTimeout(Duration.ofMillis(300)).build();
        server.stubFor(post(E + "/renew").willReturn(okJson("{}").withFixedDelay(1500)));
        server.stubFor(get(urlPathEqualTo(E + "/watch")).willReturn(okJson(OBSERVED).withFixedDelay(500)));
        try (LeaderElectionClient c = LeaderElectionClient.create(noRetry)) {
            assertThatThrownBy(() -> c.renewLeadership(lease())).isInstanceOf(CallTimeoutException.class)
                    .satisfies(e -> assertThat(((PatternkitException) e).isRetryable()).isTrue());
            assertThat(c.watch("billing", null, Duration.ofMillis(600)).changed()).isFalse();
            assertThat(c.watchAsLeader(lease(), Duration.ofMillis(600)).leader()).contains("a");
        }
    }

    @Test
    void unavailableCampaignsAreRetried() {
        // (no Retry-After: 0 here, because OkHttp itself repeats a 503 carrying it once; see the report)
        server.stubFor(post(E + "/campaign").willReturn(problem(ProblemType.ENGINE_UNAVAILABLE, "")));
        assertThatThrownBy(() -> client.becomeLeader("billing", "a", Duration.ZERO))
                .isInstanceOfSatisfying(SidecarUnavailableException.class, e -> assertThat(e.status()).isEqualTo(503));
        assertThat(requests()).isEqualTo(3);
    }

    @Test
    void aConflictOtherThanLeaseLostStaysAGenericConflict() {
        server.stubFor(post(E + "/renew").willReturn(problem(ProblemType.RECEIPT_STALE, "")));
        assertThatThrownBy(() -> client.renewLeadership(lease())).isInstanceOf(ConflictException.class)
                .isNotInstanceOf(LeaseLostException.class);
    }

    @Test
    void unauthorizedSaysWhichVariableToSet() {
        server.stubFor(get(E).willReturn(problem(ProblemType.UNAUTHORIZED, "")));
        assertThatThrownBy(() -> client.currentLeader("billing")).isInstanceOf(UnauthorizedException.class)
                .hasMessageContaining("PATTERNKIT_API_TOKEN");
        assertThat(requests()).isEqualTo(1);
    }

    @Test
    void theDefaultClientIsDiscoveredFromTheLeaderVariable() {
        assertThat(LeaderElectionClient.environmentConfig().urlVariable()).contains(Wire.ENV_LEADER_URL);
        if (System.getenv(Wire.ENV_LEADER_URL) == null) {
            assertThat(LeaderElectionClient.environmentConfig().baseUrl())
                    .isEqualTo(URI.create("http://127.0.0.1:" + Wire.DEFAULT_LEADER_PORT));
        }
    }
}

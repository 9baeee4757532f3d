package io.patternkit.leader;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.patternkit.core.contract.ContractValidator.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.patternkit.core.SidecarConfig;
import io.patternkit.core.contract.ContractValidator;
import io.patternkit.protocol.ProblemType;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every LeaderElection operation against WireMock; every request sent and every stubbed answer is validated
 * against the OpenAPI contract.
 */
class LeaderElectionProtocolTest {
    private static final String E = "/v1/elections/billing";
    private static final String T0 = "2026-01-01T00:00:00Z";
    private static final String LEASE = "{\"election\":\"billing\",\"candidateId\":\"pod-a\",\"term\":3,\"fencingToken\":"
            + "42,\"validForMs\":9500,\"leaseDurationMs\":15000,\"renewDeadlineMs\":10000,\"retryPeriodMs\":2000,"
            + "\"acquiredAt\":\"" + T0 + "\"}";
    private static final String OBSERVED_A = "{\"election\":\"billing\",\"leaderId\":\"pod-a\",\"term\":3,"
            + "\"fencingToken\":42,\"validForMs\":14000,\"leaseDurationMs\":15000,\"changed\":true}";

    private final WireMockServer server = new WireMockServer(options().dynamicPort());
    private LeaderElectionClient client;

    @BeforeEach
    void start() {
        server.start();
        client = LeaderElectionClient.create(SidecarConfig.builder().baseUrl(URI.create(server.baseUrl()))
                .apiToken("tok").build());
    }

    @AfterEach
    void stop() {
        client.close();
        try {
            ContractValidator.assertAllExchangesValid(server);
        } finally {
            server.stop();
        }
    }

    private static Lease lease() {
        return new Lease("billing", "pod-a", 3, 42, Duration.ofMillis(9500), Duration.ofSeconds(15),
                Duration.ofSeconds(10), Duration.ofSeconds(2), Instant.parse(T0));
    }

    @Test
    void campaignsAndIsElected() {
        server.stubFor(post(E + "/campaign").willReturn(okJson("{\"elected\":true,\"lease\":" + LEASE
                + ",\"observed\":" + OBSERVED_A + "}")));
        CampaignResult r = client.becomeLeader("billing", "pod-a", Duration.ofSeconds(5));
        assertThat(r.elected()).isTrue();
        assertThat(r.lease()).contains(lease());
        assertThat(r.observed().leader()).contains("pod-a");
        assertThat(r.observed().validFor()).isEqualTo(Duration.ofSeconds(14));
        server.verify(postRequestedFor(urlEqualTo(E + "/campaign")).withHeader("Authorization", equalTo("Bearer tok"))
                .withRequestBody(equalToJson("{\"candidateId\":\"pod-a\",\"waitMs\":5000}")));
    }

    @Test
    void campaignsAsyncAndIsNotElected() {
        server.stubFor(post(E + "/campaign").willReturn(okJson("{\"elected\":false,\"observed\":" + OBSERVED_A + "}")));
        CampaignResult r = client.becomeLeaderAsync("billing", "pod-b", Duration.ZERO).join();
        assertThat(r.elected()).isFalse();
        assertThat(r.lease()).isEmpty();
        assertThat(r.observed().isLeader("pod-a")).isTrue();
        server.verify(postRequestedFor(urlEqualTo(E + "/campaign"))
                .withRequestBody(equalToJson("{\"candidateId\":\"pod-b\",\"waitMs\":0}")));
    }

    @Test
    void renewsAndResigns() {
        server.stubFor(post(E + "/renew").willReturn(okJson(LEASE)));
        server.stubFor(post(E + "/resign").willReturn(okJson("{\"election\":\"billing\",\"term\":3,\"released\":true}")));
        assertThat(client.renewLeadership(lease())).isEqualTo(lease());
        assertThat(client.renewLeadershipAsync(lease()).join().fencingToken()).isEqualTo(42);
        assertThat(client.resign(lease())).isTrue();
        assertThat(client.resignAsync(lease()).join()).isTrue();
        server.verify(2, postRequestedFor(urlEqualTo(E + "/renew"))
                .withRequestBody(equalToJson("{\"candidateId\":\"pod-a\",\"term\":3}")));
        server.verify(2, postRequestedFor(urlEqualTo(E + "/resign"))
                .withRequestBody(equalToJson("{\"candidateId\":\"pod-a\",\"term\":3}")));
    }

    @Test
    void aLostLeaseIsALeaseLostExceptionInBothForms() {
        server.stubFor(post(E + "/renew").willReturn(problem(ProblemType.LEASE_LOST, ",\"detail\":\"taken over\"")));
        server.stubFor(post(E + "/resign").willReturn(problem(ProblemType.LEASE_LOST, "")));
        assertThatThrownBy(() -> client.renewLeadership(lease())).isInstanceOfSatisfying(LeaseLostException.class, e -> {
            assertThat(e.status()).isEqualTo(409);
            assertThat(e.problemType()).contains(ProblemType.LEASE_LOST.uri());
            assertThat(e.isRetryable()).isFalse();
            assertThat(e).hasMessageContaining("stop acting as leader").hasMessageContaining("taken over");
        });
        assertThatThrownBy(() -> client.resign(lease())).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> client.renewLeadershipAsync(lease()).join()).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> client.resignAsync(lease()).join()).hasCauseInstanceOf(LeaseLostException.class);
        assertThat(server.getAllServeEvents()).as("a lost lease is never retried").hasSize(4);
    }

    @Test
    void observesAVacantElection() {
        server.stubFor(get(E).willReturn(okJson("{\"election\":\"billing\",\"leaderId\":null,\"term\":7,"
                + "\"fencingToken\":7,\"validForMs\":0,\"leaseDurationMs\":15000,\"changed\":true}")));
        LeaderObservation o = client.currentLeader("billing");
        assertThat(o.hasLeader()).isFalse();
        assertThat(o.term()).isEqualTo(7);
        assertThat(client.currentLeaderAsync("billing").join()).isEqualTo(o);
    }

    @Test
    void watchesFromTheLastObservation() {
        server.stubFor(get(urlPathEqualTo(E + "/watch")).willReturn(okJson(OBSERVED_A)));
        LeaderObservation first = client.watch("billing", null, Duration.ofSeconds(20));
        assertThat(first.isLeader("pod-a")).isTrue();
        client.watchAsync("billing", first, Duration.ofMillis(1500)).join();
        server.verify(getRequestedFor(urlEqualTo(E + "/watch?term=0&waitMs=20000")));
        server.verify(getRequestedFor(urlEqualTo(E + "/watch?term=3&leaderId=pod-a&waitMs=1500")));
    }

    @Test
    void theLeadersWatchAsksForReleaseOnDisconnect() {
        server.stubFor(get(urlPathEqualTo(E + "/watch")).willReturn(okJson(OBSERVED_A.replace("true", "false"))));
        Lease l = new Lease("billing", "pod:a@host", 3, 42, Duration.ofSeconds(9), Duration.ofSeconds(15),
                Duration.ofSeconds(10), Duration.ofSeconds(2), Instant.parse(T0));
        assertThat(client.watchAsLeader(l, Duration.ofSeconds(2)).changed()).isFalse();
        server.verify(getRequestedFor(urlEqualTo(E + "/watch?term=3&leaderId=pod%3Aa%40host&waitMs=2000"
                + "&candidateId=pod%3Aa%40host&releaseOnDisconnect=true")));
    }

    @Test
    void answersTheLeaderElectorQuestion() {
        server.stubFor(get("/").willReturn(okJson("{\"name\":\"pod-a\"}")));
        assertThat(client.defaultElectionLeader()).contains("pod-a");
        server.stubFor(get("/").willReturn(okJson("{\"name\":\"\"}")));
        assertThat(client.defaultElectionLeader()).isEqualTo(Optional.empty());
    }

    @Test
    void rejectsArgumentsOutsideTheWiresLimitsWithoutACall() {
        assertThatThrownBy(() -> client.becomeLeader("Billing", "a", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DNS-1123");
        assertThatThrownBy(() -> client.becomeLeader("billing", "a b", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("candidateId");
        assertThatThrownBy(() -> client.watch("billing", null, Duration.ofSeconds(21)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("20s");
        assertThat(server.getAllServeEvents()).isEmpty();
    }

    /** The managed handle over HTTP: elected, renews, keeps the holder's watch open, and resigns on close. */
    @Test
    void aLeadershipHandleSpeaksTheContract() throws Exception {
        String shortLease = LEASE.replace("\"retryPeriodMs\":2000", "\"retryPeriodMs\":50");
        server.stubFor(post(E + "/campaign").willReturn(okJson("{\"elected\":true,\"lease\":" + shortLease
                + ",\"observed\":" + OBSERVED_A + "}")));
        server.stubFor(post(E + "/renew").willReturn(okJson(shortLease)));
        server.stubFor(get(urlPathEqualTo(E + "/watch")).willReturn(okJson(OBSERVED_A.replace("true", "false"))
                .withFixedDelay(100)));
        server.stubFor(post(E + "/resign").willReturn(okJson("{\"election\":\"billing\",\"term\":3,\"released\":true}")));
        try (Leadership l = Leadership.builder(client).election("billing").candidateId("pod-a")
                .watchWait(Duration.ofMillis(100)).build().start()) {
            assertThat(l.awaitLeadership(Duration.ofSeconds(5))).isPresent();
            assertThat(l.fencingToken()).hasValue(42);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                server.verify(postRequestedFor(urlEqualTo(E + "/renew")));
                server.verify(getRequestedFor(urlEqualTo(E + "/watch?term=3&leaderId=pod-a&waitMs=100"
                        + "&candidateId=pod-a&releaseOnDisconnect=true")));
            });
        }
        server.verify(postRequestedFor(urlEqualTo(E + "/resign"))
                .withRequestBody(equalToJson("{\"candidateId\":\"pod-a\",\"term\":3}")));
    }
}

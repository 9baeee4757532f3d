package io.patternkit.leader;

import io.patternkit.core.SidecarClient;
import io.patternkit.core.SidecarConfig;
import io.patternkit.core.SidecarReadiness;
import io.patternkit.core.internal.Transport;
import io.patternkit.leader.internal.HttpLeaderElection;
import io.patternkit.protocol.Wire;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Client of a leader-election sidecar: the {@link LeaderElection} operations over HTTP, with the HTTP
 * connection pool, retry and circuit-breaker state of {@code patternkit-sdk-core}. Create one per
 * application and share it (also across {@link Leadership} handles); thread-safe. Close it at shutdown,
 * after closing the handles that use it.
 *
 * <pre>{@code
 * try (LeaderElectionClient client = LeaderElectionClient.create()) {     // PATTERNKIT_LEADER_URL
 *     CampaignResult r = client.becomeLeader("billing", "pod-a", Duration.ofSeconds(5));
 *     r.lease().ifPresent(lease -> ...);
 * }
 * }</pre>
 */
public final class LeaderElectionClient implements LeaderElection, SidecarClient, AutoCloseable {
    private final Transport transport;
    private final HttpLeaderElection http;

    private LeaderElectionClient(SidecarConfig config) {
        this.transport = new Transport(config);
        this.http = new HttpLeaderElection(transport);
    }

    /**
     * Creates a client from the environment: {@value Wire#ENV_LEADER_URL} (default
     * {@code http://127.0.0.1:7310}) and {@value Wire#ENV_API_TOKEN} or {@value Wire#ENV_API_TOKEN_FILE}.
     *
     * @return the client
     * @throws IllegalArgumentException when the environment holds a malformed URL or an unreadable token file
     */
    public static LeaderElectionClient create() {
        return create(environmentConfig());
    }

    /**
     * @param config the sidecar's configuration; not null
     * @return a client for it
     */
    public static LeaderElectionClient create(SidecarConfig config) {
        return new LeaderElectionClient(Objects.requireNonNull(config, "config"));
    }

    /**
     * @return the configuration {@link #create()} uses: {@value Wire#ENV_LEADER_URL}, default port
     *     {@value Wire#DEFAULT_LEADER_PORT}, and the API token variables
     */
    static SidecarConfig environmentConfig() {
        return SidecarConfig.builder().fromEnvironment(Wire.ENV_LEADER_URL, Wire.DEFAULT_LEADER_PORT).build();
    }

    @Override
    public CampaignResult becomeLeader(String election, String candidateId, Duration wait) {
        return http.becomeLeader(election, candidateId, wait);
    }

    @Override
    public CompletableFuture<CampaignResult> becomeLeaderAsync(String election, String candidateId, Duration wait) {
        return http.becomeLeaderAsync(election, candidateId, wait);
    }

    @Override
    public Lease renewLeadership(Lease lease) {
        return http.renewLeadership(lease);
    }

    @Override
    public CompletableFuture<Lease> renewLeadershipAsync(Lease lease) {
        return http.renewLeadershipAsync(lease);
    }

    @Override
    public boolean resign(Lease lease) {
        return http.resign(lease);
    }

    @Override
    public CompletableFuture<Boolean> resignAsync(Lease lease) {
        return http.resignAsync(lease);
    }

    @Override
    public LeaderObservation currentLeader(String election) {
        return http.currentLeader(election);
    }

    @Override
    public CompletableFuture<LeaderObservation> currentLeaderAsync(String election) {
        return http.currentLeaderAsync(election);
    }

    @Override
    public LeaderObservation watch(String election, LeaderObservation lastSeen, Duration wait) {
        return http.watch(election, lastSeen, wait);
    }

    @Override
    public CompletableFuture<LeaderObservation> watchAsync(String election, LeaderObservation lastSeen,
            Duration wait) {
        return http.watchAsync(election, lastSeen, wait);
    }

    @Override
    public LeaderObservation watchAsLeader(Lease lease, Duration wait) {
        return http.watchAsLeader(lease, wait);
    }

    /**
     * The leader of the sidecar's default election (its {@code --election} option), asked the way the
     * Kubernetes {@code leader-elector} sidecar is asked ({@code GET /}, answering {@code {"name": ...}}).
     *
     * @return the leader's id, or empty while nobody leads
     */
    public Optional<String> defaultElectionLeader() {
        return http.defaultLeaderName();
    }

    @Override
    public SidecarReadiness readiness() {
        return transport.readiness();
    }

    @Override
    public SidecarConfig config() {
        return transport.config();
    }

    /** Releases connections and threads; calls in progress may fail, and this client stops working. */
    @Override
    public void close() {
        transport.close();
    }
}

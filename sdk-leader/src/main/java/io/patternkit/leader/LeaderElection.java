package io.patternkit.leader;

import io.patternkit.core.PatternkitException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Leader election over named elections, the low-level operations of the leader-election sidecar: campaign
 * ({@code becomeLeader}), renew, resign, observe and watch. The semantics follow client-go's leaderelection
 * (lease duration, renew deadline, retry period) with a strictly increasing fencing token per term
 * (Kleppmann), and the {@code becomeLeader}/{@code renewLeadership} API of Burns and Oppenheimer (HotCloud
 * 2016). Most applications use the managed {@link Leadership} handle instead, which runs the campaign, renew
 * and watch loops and enforces the renew deadline locally.
 *
 * <p>Implementations: {@link LeaderElectionClient} (the sidecar over HTTP) and {@code InMemoryLeaderElection}
 * of {@code patternkit-sdk-testing} (a fake on a manual clock); both pass {@code LeaderElectionCompatibilityKit}.
 * Thread-safe. Every method throws {@link IllegalArgumentException} for arguments outside the wire's limits
 * (an election name that is not a DNS-1123 label of at most 63 characters, a candidate id outside
 * {@code [A-Za-z0-9][A-Za-z0-9._:@-]{0,252}}, a wait outside 0 to 20 s) before any call is made, and a
 * {@link PatternkitException} subclass when the sidecar cannot do what was asked. Campaign, renew, observe and
 * watch are idempotent and retried automatically on retryable failures; resign only when the request
 * certainly never left the client.
 */
public interface LeaderElection {
    /**
     * Campaigns for leadership. When the lease is vacant or expired, the caller acquires it in a new term
     * whose fencing token is greater than every earlier one. When the caller already holds it (same
     * {@code candidateId}, before its renew deadline), this renews it and returns the current term
     * (idempotent). When another candidate holds it, waits up to {@code wait} to be elected (woken at once
     * by a release), then answers not elected with the current leader.
     *
     * @param election the election's name; elections exist implicitly
     * @param candidateId the caller's identity, unique among the election's candidates (a pod name, or host
     *     and pid)
     * @param wait 0 (try once) to 20 s; the call timeout is extended by this much
     * @return elected with the lease, or not elected with the observed election
     */
    CampaignResult becomeLeader(String election, String candidateId, Duration wait);

    /**
     * {@link #becomeLeader(String, String, Duration)} without blocking the caller.
     *
     * @param election the election's name
     * @param candidateId the caller's identity
     * @param wait 0 to 20 s
     * @return a future completed with the result, or exceptionally with the {@link PatternkitException}
     */
    CompletableFuture<CampaignResult> becomeLeaderAsync(String election, String candidateId, Duration wait);

    /**
     * Renews the caller's lease for the term it holds; validity starts again. Call every retry period.
     *
     * @param lease the lease from the campaign or the previous renew; not null
     * @return the renewed lease (same term and fencing token, fresh {@code validFor})
     * @throws LeaseLostException when the caller no longer holds the lease in that term (expired, taken
     *     over, resigned): stop acting as leader at once
     * @throws io.patternkit.core.SidecarUnavailableException when the sidecar or its engine cannot be
     *     reached; the sidecar counts the lease as lost from the renew deadline on
     */
    Lease renewLeadership(Lease lease);

    /**
     * {@link #renewLeadership(Lease)} without blocking the caller.
     *
     * @param lease the lease; not null
     * @return a future completed with the renewed lease, or exceptionally with the
     *     {@link PatternkitException} ({@link LeaseLostException} when lost)
     */
    CompletableFuture<Lease> renewLeadershipAsync(Lease lease);

    /**
     * Releases the caller's lease at once, so a successor takes over without waiting for expiry; waiting
     * candidates are woken. Stop acting as leader <em>before</em> calling this.
     *
     * @param lease the lease; not null
     * @return true when the lease was released; false when it had already ended without a successor (nothing
     *     to release)
     * @throws LeaseLostException when another candidate holds the election, or a later term began
     */
    boolean resign(Lease lease);

    /**
     * {@link #resign(Lease)} without blocking the caller.
     *
     * @param lease the lease; not null
     * @return a future completed with whether the lease was released, or exceptionally with the
     *     {@link PatternkitException}
     */
    CompletableFuture<Boolean> resignAsync(Lease lease);

    /**
     * Observes the election now.
     *
     * @param election the election's name
     * @return the leader (if any), term, fencing token and remaining validity; {@code changed} is true
     */
    LeaderObservation currentLeader(String election);

    /**
     * {@link #currentLeader(String)} without blocking the caller.
     *
     * @param election the election's name
     * @return a future completed with the observation, or exceptionally with the {@link PatternkitException}
     */
    CompletableFuture<LeaderObservation> currentLeaderAsync(String election);

    /**
     * Long-polls until the election's leader or term differs from {@code lastSeen} (a new term, a release,
     * an expiry), or {@code wait} passes. Returns at once when they already differ. Followers learn of a new
     * leader this way without polling.
     *
     * @param election the election's name
     * @param lastSeen the last observation, or null (or {@link LeaderObservation#none}) for none
     * @param wait 0 to 20 s; the call timeout is extended by this much
     * @return the election now, with {@code changed} false when {@code wait} passed without a change
     */
    LeaderObservation watch(String election, LeaderObservation lastSeen, Duration wait);

    /**
     * {@link #watch(String, LeaderObservation, Duration)} without blocking the caller.
     *
     * @param election the election's name
     * @param lastSeen the last observation, or null for none
     * @param wait 0 to 20 s
     * @return a future completed with the observation, or exceptionally with the {@link PatternkitException}
     */
    CompletableFuture<LeaderObservation> watchAsync(String election, LeaderObservation lastSeen, Duration wait);

    /**
     * The holder's watch: long-polls like {@link #watch} from the lease's term and holder, and asks the
     * sidecar to release the lease at once if this call's connection closes before the answer
     * ({@code releaseOnDisconnect}). The app's kernel closes the connection when the app dies, so a holder
     * that keeps such a watch open at all times is replaced in well under a second, whatever the lease
     * duration. {@link Leadership} keeps one open while leading and re-polls at once.
     *
     * @param lease the caller's lease; not null
     * @param wait 0 to 20 s; the call timeout is extended by this much
     * @return the election now; {@code changed} true means the caller's term ended (another holder, another
     *     term, or a vacancy)
     */
    LeaderObservation watchAsLeader(Lease lease, Duration wait);
}

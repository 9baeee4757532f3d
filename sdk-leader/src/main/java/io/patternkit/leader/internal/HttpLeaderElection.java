package io.patternkit.leader.internal;

import io.patternkit.core.ConflictException;
import io.patternkit.core.ProtocolException;
import io.patternkit.core.internal.Json;
import io.patternkit.core.internal.Problems;
import io.patternkit.core.internal.SidecarCall;
import io.patternkit.core.internal.Transport;
import io.patternkit.leader.CampaignResult;
import io.patternkit.leader.LeaderElection;
import io.patternkit.leader.LeaderObservation;
import io.patternkit.leader.Lease;
import io.patternkit.leader.LeaseLostException;
import io.patternkit.protocol.ProblemType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/** {@link LeaderElection} over HTTP, through the shared {@link Transport}. Internal. */
public final class HttpLeaderElection implements LeaderElection {
    /**
     * A won campaign's answer as the sidecar sends it: read once when the client is made ({@link #HttpLeaderElection}).
     */
    private static final String WON_CAMPAIGN = "{\"elected\":true,\"lease\":{\"election\":\"e\",\"candidateId\":\"c\","
            + "\"term\":1,\"fencingToken\":1,\"validForMs\":15000,\"leaseDurationMs\":15000,\"renewDeadlineMs\":10000,"
            + "\"retryPeriodMs\":2000,\"acquiredAt\":\"2026-01-01T00:00:00.123Z\"},\"observed\":{\"election\":\"e\","
            + "\"leaderId\":\"c\",\"term\":1,\"fencingToken\":1,\"validForMs\":15000,\"leaseDurationMs\":15000,"
            + "\"changed\":true}}";

    private final Transport transport;

    /**
     * Prepares the JSON mapping of every wire record now, and reads one won campaign's answer: winning a
     * campaign is rare in a process's life yet on the failover's critical path, and resolving its records
     * there (15 to 20 ms in a cold JVM) or parsing the process's first {@code Instant} there (java.time's
     * parser takes 10 to 30 ms on its first use) would add that to every handover.
     *
     * @param transport the client's transport
     */
    public HttpLeaderElection(Transport transport) {
        this.transport = transport;
        Json.prepare(Dto.CampaignRequest.class, Dto.TermRequest.class, Dto.CampaignResult.class, Dto.Lease.class,
                Dto.Observation.class, Dto.ResignResult.class, Dto.LeaderName.class);
        toResult(Json.read(WON_CAMPAIGN, Dto.CampaignResult.class));
    }

    @Override
    public CampaignResult becomeLeader(String election, String candidateId, Duration wait) {
        return toResult(transport.execute(campaignCall(election, candidateId, wait), Dto.CampaignResult.class));
    }

    @Override
    public CompletableFuture<CampaignResult> becomeLeaderAsync(String election, String candidateId, Duration wait) {
        return transport.executeAsync(campaignCall(election, candidateId, wait), Dto.CampaignResult.class)
                .thenApply(HttpLeaderElection::toResult);
    }

    @Override
    public Lease renewLeadership(Lease lease) {
        try {
            return toLease(transport.execute(renewCall(lease), Dto.Lease.class), "renewLeadership");
        } catch (ConflictException e) {
            throw lost("renewLeadership", e);
        }
    }

    @Override
    public CompletableFuture<Lease> renewLeadershipAsync(Lease lease) {
        return mapLost(transport.executeAsync(renewCall(lease), Dto.Lease.class), "renewLeadership")
                .thenApply(l -> toLease(l, "renewLeadership"));
    }

    @Override
    public boolean resign(Lease lease) {
        try {
            return released(transport.execute(resignCall(lease), Dto.ResignResult.class));
        } catch (ConflictException e) {
            throw lost("resign", e);
        }
    }

    @Override
    public CompletableFuture<Boolean> resignAsync(Lease lease) {
        return mapLost(transport.executeAsync(resignCall(lease), Dto.ResignResult.class), "resign")
                .thenApply(HttpLeaderElection::released);
    }

    @Override
    public LeaderObservation currentLeader(String election) {
        return toObservation(transport.execute(observeCall(election), Dto.Observation.class), "currentLeader");
    }

    @Override
    public CompletableFuture<LeaderObservation> currentLeaderAsync(String election) {
        return transport.executeAsync(observeCall(election), Dto.Observation.class)
                .thenApply(o -> toObservation(o, "currentLeader"));
    }

    @Override
    public LeaderObservation watch(String election, LeaderObservation lastSeen, Duration wait) {
        return toObservation(transport.execute(watchCall(election, lastSeen, wait), Dto.Observation.class), "watch");
    }

    @Override
    public CompletableFuture<LeaderObservation> watchAsync(String election, LeaderObservation lastSeen,
            Duration wait) {
        return transport.executeAsync(watchCall(election, lastSeen, wait), Dto.Observation.class)
                .thenApply(o -> toObservation(o, "watch"));
    }

    @Override
    public LeaderObservation watchAsLeader(Lease lease, Duration wait) {
        Arguments.lease(lease);
        long waitMs = Arguments.waitMs(wait);
        String path = "/v1/elections/" + lease.election() + "/watch?term=" + lease.term() + "&leaderId="
                + encode(lease.candidateId()) + "&waitMs=" + waitMs + "&candidateId=" + encode(lease.candidateId())
                + "&releaseOnDisconnect=true";
        return toObservation(transport.execute(SidecarCall.get("watch", path).withLongPoll(wait),
                Dto.Observation.class), "watch");
    }

    /**
     * {@code GET /}: the leader of the sidecar's default election, as the Kubernetes {@code leader-elector}
     * sidecar answers it.
     *
     * @return the leader's id, or empty while nobody leads
     */
    public Optional<String> defaultLeaderName() {
        Dto.LeaderName n = transport.execute(SidecarCall.get("currentLeaderName", "/"), Dto.LeaderName.class);
        String name = present(n.name(), "currentLeaderName", "name");
        return name.isEmpty() ? Optional.empty() : Optional.of(name);
    }

    private static SidecarCall campaignCall(String election, String candidateId, Duration wait) {
        Dto.CampaignRequest body = new Dto.CampaignRequest(Arguments.candidateId(candidateId), Arguments.waitMs(wait));
        return SidecarCall.post("becomeLeader", "/v1/elections/" + Arguments.election(election) + "/campaign", body,
                true).withLongPoll(wait);
    }

    private static SidecarCall renewCall(Lease lease) {
        Arguments.lease(lease);
        return SidecarCall.post("renewLeadership", "/v1/elections/" + lease.election() + "/renew",
                new Dto.TermRequest(lease.candidateId(), lease.term()), true);
    }

    private static SidecarCall resignCall(Lease lease) {
        Arguments.lease(lease);
        return SidecarCall.post("resign", "/v1/elections/" + lease.election() + "/resign",
                new Dto.TermRequest(lease.candidateId(), lease.term()), false);
    }

    private static SidecarCall observeCall(String election) {
        return SidecarCall.get("currentLeader", "/v1/elections/" + Arguments.election(election));
    }

    private static SidecarCall watchCall(String election, LeaderObservation lastSeen, Duration wait) {
        Arguments.election(election);
        long waitMs = Arguments.waitMs(wait);
        StringBuilder path = new StringBuilder("/v1/elections/").append(election).append("/watch?term=")
                .append(lastSeen == null ? 0 : lastSeen.term());
        if (lastSeen != null && lastSeen.leader().isPresent()) {
            path.append("&leaderId=").append(encode(lastSeen.leader().get()));
        }
        path.append("&waitMs=").append(waitMs);
        return SidecarCall.get("watch", path.toString()).withLongPoll(wait);
    }

    private static <T> CompletableFuture<T> mapLost(CompletableFuture<T> call, String operation) {
        return call.handle((value, failure) -> {
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            if (cause instanceof ConflictException c) {
                throw lost(operation, c);
            }
            if (failure != null) {
                throw failure instanceof RuntimeException r ? r : new CompletionException(failure);
            }
            return value;
        });
    }

    private static RuntimeException lost(String operation, ConflictException e) {
        return ProblemType.LEASE_LOST.slug().equals(Problems.slug(e)) ? new LeaseLostException(operation, e) : e;
    }

    private static CampaignResult toResult(Dto.CampaignResult r) {
        boolean elected = present(r.elected(), "becomeLeader", "elected");
        LeaderObservation observed = toObservation(present(r.observed(), "becomeLeader", "observed"), "becomeLeader");
        if (elected) {
            return new CampaignResult(true, Optional.of(toLease(present(r.lease(), "becomeLeader", "lease"),
                    "becomeLeader")), observed);
        }
        return new CampaignResult(false, Optional.empty(), observed);
    }

    private static boolean released(Dto.ResignResult r) {
        return present(r.released(), "resign", "released");
    }

    private static Lease toLease(Dto.Lease l, String op) {
        return checked(op, () -> new Lease(present(l.election(), op, "election"),
                present(l.candidateId(), op, "candidateId"), present(l.term(), op, "term"),
                present(l.fencingToken(), op, "fencingToken"), ms(l.validForMs(), op, "validForMs"),
                ms(l.leaseDurationMs(), op, "leaseDurationMs"), ms(l.renewDeadlineMs(), op, "renewDeadlineMs"),
                ms(l.retryPeriodMs(), op, "retryPeriodMs"), present(l.acquiredAt(), op, "acquiredAt")));
    }

    private static LeaderObservation toObservation(Dto.Observation o, String op) {
        return checked(op, () -> new LeaderObservation(present(o.election(), op, "election"),
                Optional.ofNullable(o.leaderId()).filter(s -> !s.isEmpty()), present(o.term(), op, "term"),
                present(o.fencingToken(), op, "fencingToken"), ms(o.validForMs(), op, "validForMs"),
                ms(o.leaseDurationMs(), op, "leaseDurationMs"), present(o.changed(), op, "changed")));
    }

    private static <T> T checked(String op, Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(op + ": the sidecar's answer is out of range: " + e.getMessage(), 200, null, e);
        }
    }

    private static Duration ms(Long value, String op, String field) {
        return Duration.ofMillis(present(value, op, field));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static <T> T present(T value, String operation, String field) {
        if (value == null) {
            throw new ProtocolException(operation + ": the sidecar's answer lacks the required field '" + field + "'",
                    200, null, null);
        }
        return value;
    }
}

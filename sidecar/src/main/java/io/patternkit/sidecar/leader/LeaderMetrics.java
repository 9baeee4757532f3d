package io.patternkit.sidecar.leader;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The leader-election meters. Meter names live here and nowhere else. Thread-safe.
 *
 * <ul>
 *   <li>{@code patternkit_leader_is_leader{election,candidate}}: 1 while a candidate of this
 *       sidecar holds a valid lease, else 0.</li>
 *   <li>{@code patternkit_leader_term{election}}: the latest term (fencing token) this sidecar saw.</li>
 *   <li>{@code patternkit_leader_acquisitions_total{election}}: terms begun by candidates of this sidecar.</li>
 *   <li>{@code patternkit_leader_renew_failures_total{election}}: renews that failed (engine unreachable or lease gone).</li>
 *   <li>{@code patternkit_leader_releases_total{election,reason}}: leases of this sidecar's candidates
 *       that ended, by reason: resign, disconnect, drain, lost.</li>
 * </ul>
 * Request latency is {@code http_server_requests_seconds{method,route,status}}, as for every sidecar.
 */
public final class LeaderMetrics {
    /** The is-leader gauge's name. */
    public static final String IS_LEADER = "patternkit.leader.is.leader";
    /** The term gauge's name. */
    public static final String TERM = "patternkit.leader.term";
    /** The acquisitions counter's name. */
    public static final String ACQUISITIONS = "patternkit.leader.acquisitions";
    /** The renew-failures counter's name. */
    public static final String RENEW_FAILURES = "patternkit.leader.renew.failures";
    /** The releases counter's name. */
    public static final String RELEASES = "patternkit.leader.releases";

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> leaders = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> terms = new ConcurrentHashMap<>();

    /**
     * @param registry the registry, never null
     */
    public LeaderMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param election the election
     * @param candidate a candidate of this sidecar
     * @param leading whether it holds a valid lease now
     */
    public void leading(String election, String candidate, boolean leading) {
        leaders.computeIfAbsent(election + '\n' + candidate, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(IS_LEADER, value, AtomicLong::get).tag("election", election).tag("candidate", candidate)
                    .description("1 while this candidate holds a valid lease through this sidecar").register(registry);
            return value;
        }).set(leading ? 1 : 0);
    }

    /**
     * @param election the election
     * @param term a term this sidecar saw; the gauge keeps the greatest. An election no one has held (term 0) gets no
     *     gauge, so that looking at any name a client makes up does not add a series for good.
     */
    public void term(String election, long term) {
        if (term <= 0 && !terms.containsKey(election)) {
            return;
        }
        terms.computeIfAbsent(election, e -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(TERM, value, AtomicLong::get).tag("election", e)
                    .description("The latest term (fencing token) this sidecar saw").register(registry);
            return value;
        }).accumulateAndGet(term, Math::max);
    }

    /** @param election the election a candidate of this sidecar began a term in */
    public void acquired(String election) {
        Counter.builder(ACQUISITIONS).tag("election", election).description("Terms begun by this sidecar's candidates")
                .register(registry).increment();
    }

    /** @param election the election whose renew failed */
    public void renewFailed(String election) {
        Counter.builder(RENEW_FAILURES).tag("election", election).description("Renews that failed")
                .register(registry).increment();
    }

    /**
     * @param election the election
     * @param reason why the lease ended
     */
    public void released(String election, ReleaseReason reason) {
        Counter.builder(RELEASES).tag("election", election).tag("reason", reason.tag())
                .description("Leases of this sidecar's candidates that ended, by reason").register(registry).increment();
    }
}

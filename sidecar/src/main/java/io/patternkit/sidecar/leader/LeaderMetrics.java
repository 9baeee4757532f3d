package io.patternkit.sidecar.leader;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
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
 *
 * <p>Every series names its election, and an election's series go when the service forgets the election
 * ({@link #forget}), so that the series a sidecar exports follow the elections in use rather than every name a
 * client ever sent.
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
    /** Per election, per candidate, the is-leader gauge. */
    private final Map<String, Map<String, IsLeader>> leaders = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> terms = new ConcurrentHashMap<>();
    /** Per election, every meter registered for it, which {@link #forget} removes. */
    private final Map<String, Set<Meter>> meters = new ConcurrentHashMap<>();

    /**
     * @param registry the registry, never null
     */
    public LeaderMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Sets the candidate's is-leader gauge. When a candidate begins to lead, the gauges of the election's other
     * candidates that are at 0 go: an election keeps the gauge of its leader and of whoever led through this sidecar
     * last, not one for every candidate id that ever led (an app restarted in its pod campaigns under a new
     * {@code pid@host}).
     *
     * @param election the election
     * @param candidate a candidate of this sidecar
     * @param leading whether it holds a valid lease now
     */
    public synchronized void leading(String election, String candidate, boolean leading) {
        Map<String, IsLeader> candidates = leaders.computeIfAbsent(election, e -> new ConcurrentHashMap<>());
        if (leading) {
            candidates.values().removeIf(other -> {
                boolean gone = !other.candidate.equals(candidate) && other.value.get() == 0;
                if (gone) {
                    registry.remove(other.gauge);
                    Set<Meter> registered = meters.get(election);
                    if (registered != null) {
                        registered.remove(other.gauge);
                    }
                }
                return gone;
            });
        }
        candidates.computeIfAbsent(candidate, c -> {
            AtomicLong value = new AtomicLong();
            return new IsLeader(c, value, remember(election, Gauge.builder(IS_LEADER, value, AtomicLong::get)
                    .tag("election", election).tag("candidate", c)
                    .description("1 while this candidate holds a valid lease through this sidecar").register(registry)));
        }).value.set(leading ? 1 : 0);
    }

    /** One candidate's is-leader gauge and its value. */
    private record IsLeader(String candidate, AtomicLong value, Gauge gauge) {
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
            remember(e, Gauge.builder(TERM, value, AtomicLong::get).tag("election", e)
                    .description("The latest term (fencing token) this sidecar saw").register(registry));
            return value;
        }).accumulateAndGet(term, Math::max);
    }

    /** @param election the election a candidate of this sidecar began a term in */
    public void acquired(String election) {
        remember(election, Counter.builder(ACQUISITIONS).tag("election", election)
                .description("Terms begun by this sidecar's candidates").register(registry)).increment();
    }

    /** @param election the election whose renew failed */
    public void renewFailed(String election) {
        remember(election, Counter.builder(RENEW_FAILURES).tag("election", election).description("Renews that failed")
                .register(registry)).increment();
    }

    /**
     * @param election the election
     * @param reason why the lease ended
     */
    public void released(String election, ReleaseReason reason) {
        remember(election, Counter.builder(RELEASES).tag("election", election).tag("reason", reason.tag())
                .description("Leases of this sidecar's candidates that ended, by reason").register(registry)).increment();
    }

    /**
     * Removes every series of the election from the registry: the service forgets an election nobody has used for a
     * while. Its counters start again from 0 if it is used later, which Prometheus' {@code rate} reads as a reset.
     *
     * @param election the election forgotten
     */
    public synchronized void forget(String election) {
        terms.remove(election);
        leaders.remove(election);
        Set<Meter> registered = meters.remove(election);
        if (registered != null) {
            registered.forEach(registry::remove);
        }
    }

    private <M extends Meter> M remember(String election, M meter) {
        meters.computeIfAbsent(election, e -> ConcurrentHashMap.newKeySet()).add(meter);
        return meter;
    }
}

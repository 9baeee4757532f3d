package io.patternkit.sidecar.engine.kubernetes;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.patternkit.sidecar.leader.AcquireResult;
import io.patternkit.sidecar.leader.LeaseEngine;
import io.patternkit.sidecar.leader.LeaseRecord;
import io.patternkit.sidecar.leader.ReleaseOutcome;
import io.patternkit.sidecar.common.Ticker;
import io.patternkit.sidecar.common.EngineException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes lease engine: one {@code coordination.k8s.io/v1} Lease per election (named after
 * it) in one namespace, written like client-go's {@code LeaseLock}: {@code holderIdentity},
 * {@code leaseDurationSeconds} (rounded up), {@code acquireTime}, {@code renewTime} and
 * {@code leaseTransitions}; every write is an update guarded by the {@code resourceVersion} read
 * just before, so a 409 from the API server means someone else wrote first (and this call lost).
 * The term lives in the annotation {@value #TERM_ANNOTATION} and only ever increases; a release
 * clears {@code holderIdentity} (as client-go's {@code ReleaseOnCancel} does) and records the
 * releasing holder in {@value #LAST_HOLDER_ANNOTATION}.
 *
 * <p>Expiry is judged like client-go, so clock skew between nodes does not matter: a lease counts
 * as live for {@code leaseDurationSeconds} on this process's monotonic clock from the moment this
 * process observed its record change (or wrote it), never from {@code renewTime}. A process that
 * first sees a lease therefore waits a full lease duration before taking it over.
 *
 * <p>Changes by other processes are noticed through a watch on the namespace's Leases, and
 * ({@link #reportsExternalChanges()} is false) waiting campaigns and watches also poll every retry
 * period, as client-go does.
 */
public final class KubernetesLeaseEngine implements LeaseEngine {
    /** The annotation holding the term (fencing token). */
    public static final String TERM_ANNOTATION = "patternkit.io/term";
    /** The annotation naming the holder that released the lease last. */
    public static final String LAST_HOLDER_ANNOTATION = "patternkit.io/last-holder";
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesLeaseEngine.class);

    private final KubernetesClient client;
    private final boolean ownsClient;
    private final String namespace;
    private final Ticker ticker;
    /** Per election: the resourceVersion last seen and when (on the ticker). */
    private final Map<String, Observed> observed = new ConcurrentHashMap<>();
    private volatile Consumer<String> changeListener = election -> { };
    private volatile Watch watch;
    private volatile boolean closed;

    private record Observed(String resourceVersion, long atNanos) {
    }

    private KubernetesLeaseEngine(KubernetesClient client, boolean ownsClient, String namespace, Ticker ticker) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.namespace = namespace;
        this.ticker = ticker;
    }

    /**
     * Connects with fabric8's auto-configuration (in-cluster service account, or
     * {@code ~/.kube/config}), or to {@code masterUrl} without credentials (a test API server or
     * {@code kubectl proxy}).
     *
     * @param masterUrl the API server URL, or null for auto-configuration
     * @param namespace the namespace of the Leases, or null for the configured one ({@code default} when none)
     * @param ticker the monotonic clock that times observed leases
     * @return the open engine; close it
     * @throws EngineException when the client cannot be built
     */
    public static KubernetesLeaseEngine connect(String masterUrl, String namespace, Ticker ticker) {
        return start(KubernetesClients.connect(masterUrl), true, namespace, ticker);
    }

    /**
     * Uses an existing client, which the caller keeps owning (tests use the fabric8 mock server's).
     *
     * @param client the client
     * @param namespace the namespace of the Leases, or null for the client's
     * @param ticker the monotonic clock that times observed leases
     * @return the open engine; closing it leaves the client open
     */
    public static KubernetesLeaseEngine using(KubernetesClient client, String namespace, Ticker ticker) {
        return start(client, false, namespace, ticker);
    }

    private static KubernetesLeaseEngine start(KubernetesClient client, boolean owns, String namespace, Ticker ticker) {
        String ns = namespace != null ? namespace : client.getNamespace() != null ? client.getNamespace() : "default";
        KubernetesLeaseEngine engine = new KubernetesLeaseEngine(client, owns, ns, ticker);
        engine.startWatch();
        LOG.info("Kubernetes lease engine using namespace {} at {}", ns, client.getMasterUrl());
        return engine;
    }

    private void startWatch() {
        try {
            watch = client.leases().inNamespace(namespace).watch(new Watcher<Lease>() {
                @Override
                public void eventReceived(Action action, Lease lease) {
                    changeListener.accept(lease.getMetadata().getName());
                }

                @Override
                public void onClose(WatcherException cause) {
                    LOG.debug("lease watch closed: {}", cause.getMessage());
                    changeListener.accept(null);
                    if (!closed) {
                        startWatch();
                    }
                }
            });
        } catch (KubernetesClientException e) {
            // Waiting campaigns and watches poll every retry period anyway.
            LOG.warn("cannot watch Leases in {} ({}); relying on polling", namespace, e.getMessage());
        }
    }

    private Resource<Lease> lease(String election) {
        return client.leases().inNamespace(namespace).withName(election);
    }

    private static boolean conflict(KubernetesClientException e) {
        return e.getCode() == 409;
    }

    @Override
    public AcquireResult tryAcquire(String election, String candidate, Duration leaseDuration) {
        return KubernetesClients.call("acquire", () -> {
            Lease current = lease(election).get();
            ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
            if (current == null) {
                Lease fresh = new LeaseBuilder()
                        .withMetadata(new ObjectMetaBuilder().withName(election).withNamespace(namespace)
                                .withAnnotations(Map.of(TERM_ANNOTATION, "1")).build())
                        .withNewSpec().withHolderIdentity(candidate).withLeaseDurationSeconds(seconds(leaseDuration))
                        .withAcquireTime(now).withRenewTime(now).withLeaseTransitions(0).endSpec().build();
                try {
                    return new AcquireResult(true, record(written(client.resource(fresh).create())));
                } catch (KubernetesClientException e) {
                    if (conflict(e)) {
                        return new AcquireResult(false, read(election));
                    }
                    throw e;
                }
            }
            LeaseRecord seen = record(current);
            if (seen.holder() != null && !seen.holder().equals(candidate)) {
                return new AcquireResult(false, seen);
            }
            boolean renewal = candidate.equals(seen.holder());
            LeaseSpec spec = current.getSpec() == null ? new LeaseSpec() : current.getSpec();
            String previousHolder = blankToNull(spec.getHolderIdentity());
            int transitions = spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions();
            Lease next = new LeaseBuilder(current)
                    .editMetadata().addToAnnotations(TERM_ANNOTATION, Long.toString(renewal ? seen.term() : seen.term() + 1))
                    .endMetadata()
                    .withNewSpec().withHolderIdentity(candidate).withLeaseDurationSeconds(seconds(leaseDuration))
                    .withAcquireTime(renewal && spec.getAcquireTime() != null ? spec.getAcquireTime() : now).withRenewTime(now)
                    .withLeaseTransitions(previousHolder == null || previousHolder.equals(candidate) ? transitions : transitions + 1)
                    .endSpec().build();
            try {
                return new AcquireResult(true, record(written(client.resource(next).update())));
            } catch (KubernetesClientException e) {
                if (conflict(e)) {
                    return new AcquireResult(false, read(election));
                }
                throw e;
            }
        });
    }

    @Override
    public Optional<LeaseRecord> renew(String election, String candidate, long term, Duration leaseDuration) {
        // A 409 says only that the resourceVersion moved (an overlapping renew of the same holder, an annotation someone
        // added), not who holds the Lease: read again, and renew while the candidate still holds the term.
        return KubernetesClients.call("renew", () -> againOnConflict("renew", () -> {
            Lease current = lease(election).get();
            if (current == null) {
                return Optional.empty();
            }
            LeaseRecord seen = record(current);
            if (!candidate.equals(seen.holder()) || seen.term() != term) {
                return Optional.empty();
            }
            Lease next = new LeaseBuilder(current).editSpec().withLeaseDurationSeconds(seconds(leaseDuration))
                    .withRenewTime(ZonedDateTime.now(ZoneOffset.UTC)).endSpec().build();
            return Optional.of(record(written(client.resource(next).update())));
        }));
    }

    @Override
    public ReleaseOutcome release(String election, String candidate, long term) {
        return KubernetesClients.call("release", () -> againOnConflict("release", () -> {
            Lease current = lease(election).get();
            if (current == null) {
                return ReleaseOutcome.NOT_HOLDER;
            }
            LeaseRecord seen = record(current);
            String holder = blankToNull(current.getSpec() == null ? null : current.getSpec().getHolderIdentity());
            if (seen.term() != term) {
                return ReleaseOutcome.NOT_HOLDER;
            }
            if (holder == null) {
                return candidate.equals(annotation(current, LAST_HOLDER_ANNOTATION)) ? ReleaseOutcome.ALREADY_RELEASED
                        : ReleaseOutcome.NOT_HOLDER;
            }
            if (!holder.equals(candidate)) {
                return ReleaseOutcome.NOT_HOLDER;
            }
            Lease next = new LeaseBuilder(current)
                    .editMetadata().addToAnnotations(LAST_HOLDER_ANNOTATION, candidate).endMetadata()
                    .editSpec().withHolderIdentity(null).withLeaseDurationSeconds(1)
                    .withRenewTime(ZonedDateTime.now(ZoneOffset.UTC)).endSpec().build();
            written(client.resource(next).update());
            return seen.holder() != null ? ReleaseOutcome.RELEASED : ReleaseOutcome.ALREADY_RELEASED;
        }));
    }

    /**
     * Runs a read-then-write of the Lease again while its write meets a 409 (the Lease changed since it was read), at
     * most three times in all.
     *
     * @throws EngineException when the third attempt conflicts too
     */
    private static <T> T againOnConflict(String what, Supplier<T> attempt) {
        for (int i = 0; i < 3; i++) {
            try {
                return attempt.get();
            } catch (KubernetesClientException e) {
                if (!conflict(e)) {
                    throw e;
                }
            }
        }
        throw new EngineException(what + " kept conflicting", null);
    }

    @Override
    public LeaseRecord read(String election) {
        return KubernetesClients.call("read", () -> {
            Lease current = lease(election).get();
            return current == null ? LeaseRecord.never(election) : record(current);
        });
    }

    @Override
    public void ping() {
        KubernetesClients.call("ping",
                () -> client.leases().inNamespace(namespace).list(new ListOptionsBuilder().withLimit(1L).build()));
    }

    @Override
    public boolean reportsExternalChanges() {
        return false;
    }

    @Override
    public void onExternalChange(Consumer<String> listener) {
        this.changeListener = listener;
    }

    /** Drops when the election's Lease was seen: seen again, it is timed from then (a full duration before a takeover). */
    @Override
    public void forget(String election) {
        observed.remove(election);
    }

    /** Notes a lease this process just wrote: observed now. */
    private Lease written(Lease lease) {
        observed.put(lease.getMetadata().getName(), new Observed(lease.getMetadata().getResourceVersion(), ticker.nanoTime()));
        return lease;
    }

    /** The lease as this process judges it, timing it from when its record was first seen in this version. */
    private LeaseRecord record(Lease lease) {
        String election = lease.getMetadata().getName();
        long now = ticker.nanoTime();
        String version = lease.getMetadata().getResourceVersion();
        Observed seen = observed.compute(election, (k, old) ->
                old != null && old.resourceVersion().equals(version) ? old : new Observed(version, now));
        LeaseSpec spec = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
        String holder = blankToNull(spec.getHolderIdentity());
        long durationNanos = Duration.ofSeconds(spec.getLeaseDurationSeconds() == null ? 0 : spec.getLeaseDurationSeconds()).toNanos();
        long remaining = holder == null ? 0 : seen.atNanos() + durationNanos - now;
        long term = term(lease, spec);
        return new LeaseRecord(election, remaining > 0 ? holder : null, term,
                spec.getAcquireTime() == null ? null : spec.getAcquireTime().toInstant(),
                Duration.ofNanos(Math.max(0, remaining)));
    }

    /** The term annotation; for a Lease written by someone else (a client-go elector), its transitions + 1. */
    private static long term(Lease lease, LeaseSpec spec) {
        String text = annotation(lease, TERM_ANNOTATION);
        if (text != null) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                LOG.warn("Lease {} has a malformed {} annotation", lease.getMetadata().getName(), TERM_ANNOTATION);
            }
        }
        boolean everHeld = spec.getHolderIdentity() != null || spec.getAcquireTime() != null;
        return everHeld ? (spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions()) + 1L : 0L;
    }

    private static String annotation(Lease lease, String name) {
        Map<String, String> annotations = lease.getMetadata().getAnnotations();
        return annotations == null ? null : new HashMap<>(annotations).get(name);
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** Whole seconds, rounded up, at least 1 (Lease durations count seconds). */
    private static int seconds(Duration d) {
        long ms = d.toMillis();
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (ms + 999) / 1000));
    }

    @Override
    public void close() {
        closed = true;
        Watch w = watch;
        if (w != null) {
            w.close();
        }
        if (ownsClient) {
            client.close();
        }
    }
}

package io.patternkit.scatter.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.patternkit.core.PatternkitException;
import io.patternkit.core.internal.Interrupts;
import io.patternkit.core.internal.SidecarCall;
import io.patternkit.core.internal.Transport;
import io.patternkit.scatter.ScatterMetrics;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a leaf registered with the root sidecar: {@code PUT /v1/pools/{pool}/leaves/{leafId}} at once and
 * then every ttl/3 (an idempotent upsert, so a heartbeat is the same call), without retries of its own
 * since the next period is the retry; WARN once per outage, INFO when it ends. {@link #close()} stops the
 * heartbeats and deregisters with {@code DELETE}. Internal.
 */
public final class LeafRegistration implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeafRegistration.class);

    private final Transport transport;
    private final String pool;
    private final String leafId;
    private final String path;
    private final Dto.Registration registration;
    private final Duration ttl;
    private final MeterRegistry registry;
    private ScheduledFuture<?> heartbeats;
    private boolean closed;
    private boolean outage;
    private volatile long lastSuccessNanos;
    private volatile boolean everRegistered;

    /**
     * @param transport the client's transport to the root sidecar
     * @param pool the pool
     * @param leafId the leaf id
     * @param shard the shard
     * @param url the leaf endpoint's URL, as the root should call it
     * @param ttl the registration's time to live
     */
    public LeafRegistration(Transport transport, String pool, String leafId, String shard, URI url, Duration ttl) {
        this.transport = transport;
        this.pool = pool;
        this.leafId = leafId;
        this.path = "/v1/pools/" + pool + "/leaves/" + leafId;
        this.registration = new Dto.Registration(shard, url.toString(), ttl.toMillis());
        this.ttl = ttl;
        this.registry = transport.config().meterRegistry();
    }

    /**
     * Starts heartbeating on the scheduler: the first registration at once, then every ttl/3.
     *
     * @param scheduler a daemon scheduler owned by the leaf
     */
    public synchronized void start(ScheduledExecutorService scheduler) {
        long period = Math.max(1, ttl.toMillis() / 3);
        heartbeats = scheduler.scheduleWithFixedDelay(this::heartbeat, 0, period, TimeUnit.MILLISECONDS);
    }

    /** @return true when the last successful registration is younger than the ttl */
    public boolean isRegistered() {
        return everRegistered && System.nanoTime() - lastSuccessNanos < ttl.toNanos();
    }

    private synchronized void heartbeat() {
        if (closed) {
            return;
        }
        try {
            transport.executeOnce(SidecarCall.put("registerLeaf", path, registration), Dto.RegistrationResult.class);
            lastSuccessNanos = System.nanoTime();
            everRegistered = true;
            count("ok");
            if (outage) {
                outage = false;
                log.info("leaf {} of pool {} is registered with the root sidecar again", leafId, pool);
            }
        } catch (PatternkitException | IllegalArgumentException e) {
            count("failed");
            if (!outage) {
                outage = true;
                log.warn("cannot register leaf {} of pool {} with the root sidecar ({}); retrying every {} ms until it "
                        + "answers, the root will not call this leaf meanwhile", leafId, pool, e.getMessage(),
                        Math.max(1, ttl.toMillis() / 3));
            } else {
                log.debug("leaf {} of pool {}: registration still failing: {}", leafId, pool, e.getMessage());
            }
        }
    }

    private void count(String status) {
        Counter.builder(ScatterMetrics.LEAF_HEARTBEATS).tag(ScatterMetrics.TAG_POOL, pool)
                .tag(ScatterMetrics.TAG_STATUS, status).register(registry).increment();
    }

    /** Stops heartbeating (waiting for one in progress) and deregisters; failures are logged, not thrown. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (heartbeats != null) {
                heartbeats.cancel(false);
            }
        }
        Interrupts.deferredDuring(this::deregister); // else the root calls this leaf until its registration lapses
        everRegistered = false;
    }

    private void deregister() {
        try {
            transport.execute(SidecarCall.delete("deregisterLeaf", path), Void.class);
            log.debug("leaf {} left pool {}", leafId, pool);
        } catch (PatternkitException e) {
            log.warn("leaf {} could not leave pool {} ({}); the root drops it when its registration lapses within {}",
                    leafId, pool, e.getMessage(), ttl);
        }
    }
}

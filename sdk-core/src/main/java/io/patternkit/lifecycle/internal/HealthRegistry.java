package io.patternkit.lifecycle.internal;

import io.patternkit.core.internal.DaemonThreads;
import io.patternkit.core.internal.Waits;
import io.patternkit.lifecycle.HealthCheck;
import io.patternkit.lifecycle.HealthCheckResult;
import io.patternkit.lifecycle.HealthProbe;
import io.patternkit.lifecycle.HealthReport;
import io.patternkit.lifecycle.Lifecycle;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health checks of a {@link Lifecycle}, by probe: runs a probe's checks at once on daemon threads, waits
 * for them up to one timeout, counts a check that has not answered as down and does not call it again until
 * its call under way has returned; latches the startup probe once it has passed. Not part of the API.
 */
public final class HealthRegistry {
    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    private final Duration timeout;
    private final Map<HealthProbe, Map<String, Entry>> checks = new EnumMap<>(HealthProbe.class);
    private final ExecutorService executor = Executors.newCachedThreadPool(DaemonThreads.numbered("patternkit-health-"));
    private volatile HealthReport started;

    /** @param timeout how long one evaluation waits for its checks */
    public HealthRegistry(Duration timeout) {
        this.timeout = timeout;
        for (HealthProbe probe : HealthProbe.values()) {
            checks.put(probe, new LinkedHashMap<>());
        }
    }

    /**
     * @param probe the probe
     * @param name the check's name; made unique within the probe by {@link UniqueNames}
     * @param check the check
     * @return the registration; closing it removes the check
     */
    public Lifecycle.Registration add(HealthProbe probe, String name, HealthCheck check) {
        Entry entry;
        synchronized (checks) {
            Map<String, Entry> ofProbe = checks.get(probe);
            entry = new Entry(UniqueNames.next(name, ofProbe.keySet()), check);
            ofProbe.put(entry.name, entry);
        }
        return () -> {
            synchronized (checks) {
                checks.get(probe).remove(entry.name, entry);
            }
        };
    }

    /**
     * @param probe the probe to answer
     * @return every check's result; the startup probe's first passing report from then on
     */
    public HealthReport evaluate(HealthProbe probe) {
        if (probe == HealthProbe.STARTUP && started != null) {
            return started;
        }
        List<Entry> entries;
        synchronized (checks) {
            entries = List.copyOf(checks.get(probe).values());
        }
        Map<Entry, CompletableFuture<HealthCheckResult>> calls = new LinkedHashMap<>();
        for (Entry entry : entries) {
            calls.put(entry, entry.call(executor));
        }
        long deadline = System.nanoTime() + Waits.nanos(timeout);
        Map<String, HealthCheckResult> results = new LinkedHashMap<>();
        calls.forEach((entry, call) -> results.put(entry.name, await(entry, call, deadline)));
        HealthReport report = HealthReport.of(probe, results);
        if (probe == HealthProbe.STARTUP && report.up()) {
            started = report;
        }
        return report;
    }

    private HealthCheckResult await(Entry entry, CompletableFuture<HealthCheckResult> call, long deadline) {
        try {
            HealthCheckResult result = call.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return result != null ? result : HealthCheckResult.unhealthy("the check answered null");
        } catch (TimeoutException e) {
            return HealthCheckResult.unhealthy("no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            log.debug("health check '{}' threw", entry.name, cause);
            return HealthCheckResult.unhealthy("threw " + cause.getClass().getName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthCheckResult.unhealthy("interrupted while waiting for the check");
        }
    }

    /** A check and its call under way, if any. */
    private static final class Entry {
        private final String name;
        private final HealthCheck check;
        private CompletableFuture<HealthCheckResult> running;

        Entry(String name, HealthCheck check) {
            this.name = name;
            this.check = check;
        }

        synchronized CompletableFuture<HealthCheckResult> call(ExecutorService executor) {
            if (running == null || running.isDone()) {
                running = CompletableFuture.supplyAsync(() -> {
                    try {
                        return check.check();
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new CompletionException(e);
                    }
                }, executor);
            }
            return running;
        }
    }
}

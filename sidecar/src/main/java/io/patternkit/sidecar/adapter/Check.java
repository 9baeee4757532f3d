package io.patternkit.sidecar.adapter;

import java.time.Duration;
import java.time.Instant;

/**
 * A check's state, with Kubernetes probe semantics: it starts {@code unknown} (a readiness check
 * counts as not ready until it has passed, a liveness check as alive until it has failed), turns
 * {@code failing} after {@code failureThreshold} failures in a row and {@code passing} after
 * {@code successThreshold} successes in a row. A startup check counts as started once it has passed
 * and is not run again, as the kubelet stops a startup probe that succeeded. Thread-safe.
 */
final class Check {
    /** The states a check can be in. */
    enum Status { UNKNOWN, PASSING, FAILING }

    private final CheckSpec spec;
    private final Probe probe;
    private Status status = Status.UNKNOWN;
    private int successes;
    private int failures;
    private String lastError;
    private Instant lastRun;
    private Duration lastDuration = Duration.ZERO;

    Check(CheckSpec spec, Probe probe) {
        this.spec = spec;
        this.probe = probe;
    }

    /** @return the check's configuration */
    CheckSpec spec() {
        return spec;
    }

    /**
     * Runs the probe once and updates the state; blocks. Runs are not to overlap: {@code AdapterModule.every} skips a
     * period while the last run is still under way, as kubelet does.
     *
     * @param now the wall clock, for the report
     * @param ticker the monotonic clock in nanoseconds, for the duration
     * @return whether it ran (a startup check that passed is done and runs no more)
     */
    boolean runOnce(Instant now, java.util.function.LongSupplier ticker) {
        synchronized (this) {
            if (startup() && status == Status.PASSING) {
                return false; // started: a startup check is done
            }
        }
        long start = ticker.getAsLong();
        String error = null;
        try {
            probe.run(spec.timeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        } catch (Exception e) {
            error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        record(error, now, Duration.ofNanos(ticker.getAsLong() - start));
        return true;
    }

    private synchronized void record(String error, Instant at, Duration took) {
        lastRun = at;
        lastDuration = took;
        if (error == null) {
            successes++;
            failures = 0;
            if (status != Status.PASSING && (status == Status.UNKNOWN || successes >= spec.successThreshold())) {
                status = Status.PASSING;
            }
        } else {
            lastError = error;
            failures++;
            successes = 0;
            if (failures >= spec.failureThreshold()) {
                status = Status.FAILING;
            }
        }
    }

    /** @return the state now */
    synchronized Status status() {
        return status;
    }

    /** @return whether it counts as healthy for its probe now */
    synchronized boolean healthy() {
        return status == Status.PASSING || (status == Status.UNKNOWN && spec.probe().equals("live"));
    }

    private boolean startup() {
        return spec.probe().equals("started");
    }

    /** @return a snapshot for the API */
    synchronized Snapshot snapshot() {
        return new Snapshot(spec.name(), spec.probe(), status.name().toLowerCase(java.util.Locale.ROOT), healthy(), failures,
                lastError, lastRun, lastDuration);
    }

    /**
     * A check's state at one moment.
     *
     * @param name the check
     * @param probe live, ready or started
     * @param status unknown, passing or failing
     * @param healthy whether it counts as healthy for its probe
     * @param failuresInARow the current run of failures
     * @param lastError the last failure's reason, or null
     * @param lastRun when it last ran, or null
     * @param lastDuration how long the last run took
     */
    record Snapshot(String name, String probe, String status, boolean healthy, int failuresInARow, String lastError,
                    Instant lastRun, Duration lastDuration) {
    }
}

package io.patternkit.lifecycle;

/**
 * The three questions an orchestrator asks a container, with Kubernetes' meaning (the
 * {@code livenessProbe}, {@code readinessProbe} and {@code startupProbe} of a container spec):
 * the management server serves each at {@code /patternkit/health/live}, {@code /ready} and {@code /started}.
 */
public enum HealthProbe {
    /**
     * Is the process alive? A failure makes the orchestrator restart the container, so a liveness check must
     * fail only for what a restart cures (a deadlock, a wedged event loop), never because a sidecar, a database
     * or another service is away: that would restart every replica at once. Built in: nothing (the process
     * answering is the check); add {@link HealthCheck#noDeadlockedThreads()} where a restart should cure a
     * deadlock.
     */
    LIVENESS("live"),
    /**
     * Should traffic and work be routed here now? A failure takes the replica out of its Service's endpoints
     * and (by the application's own consumers honouring it) stops no running work. Built in: {@code drain},
     * down once a drain has begun; pattern handles add their own (a work-queue consumer: running and its
     * sidecar ready).
     */
    READINESS("ready"),
    /**
     * Has the application finished starting? Kubernetes holds the other two probes until this one has
     * passed once, so a slow start (an index loaded, a checkpoint restored) is not mistaken for a dead
     * process. Passes once every startup check has passed in the same evaluation, and from then on always
     * passes: its checks are not run again.
     */
    STARTUP("started");

    private final String pathSegment;

    HealthProbe(String pathSegment) {
        this.pathSegment = pathSegment;
    }

    /** @return the last segment of the probe's path: {@code live}, {@code ready} or {@code started} */
    public String pathSegment() {
        return pathSegment;
    }
}

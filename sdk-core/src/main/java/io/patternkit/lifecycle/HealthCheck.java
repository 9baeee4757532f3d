package io.patternkit.lifecycle;

import io.patternkit.core.SidecarClient;
import io.patternkit.core.SidecarReadiness;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.Objects;

/**
 * One check of a {@link HealthProbe}, registered with {@link Lifecycle#registerHealthCheck}; the shape of
 * Spring Boot's {@code HealthIndicator} and MicroProfile Health's {@code HealthCheck}. A check is called on
 * a Patternkit thread each time its probe is asked (Kubernetes asks every 10 s by default), with the
 * lifecycle's {@linkplain Lifecycle.Builder#healthCheckTimeout timeout}: one that does not answer in time
 * counts as down, and is not called again until its last call has returned, so a hung check holds one
 * thread, not one per probe.
 */
@FunctionalInterface
public interface HealthCheck {
    /**
     * @return what the check found; not null
     * @throws Exception counts as down; the probe's body names the exception's class only (its message may
     *     hold what a caller without the token must not see), the log has the rest at debug
     */
    HealthCheckResult check() throws Exception;

    /**
     * A readiness check of a sidecar: up when its readiness probe ({@code GET /healthz/ready}) answers 200,
     * down with the sidecar's reason otherwise (draining, engine unreachable, no connection). Not for
     * liveness: a sidecar that is away should take the app out of rotation, not restart it.
     *
     * @param client any pattern's client of the sidecar; not null
     * @return the check
     */
    static HealthCheck sidecar(SidecarClient client) {
        Objects.requireNonNull(client, "client");
        return () -> {
            SidecarReadiness readiness = client.readiness();
            return readiness.ready() ? HealthCheckResult.healthy()
                    : HealthCheckResult.unhealthy("sidecar " + readiness.status().toLowerCase(Locale.ROOT)
                            + readiness.detail().map(d -> ": " + d).orElse(""));
        };
    }

    /**
     * A liveness check that fails while threads of this JVM are deadlocked on monitors or ownable
     * synchronizers ({@link ThreadMXBean#findDeadlockedThreads()}): a deadlock never ends by itself, so it is
     * what a restart cures. The detail names the deadlocked threads; {@code GET /patternkit/threads} shows
     * their stacks.
     *
     * @return the check
     */
    static HealthCheck noDeadlockedThreads() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return () -> {
            long[] ids = threads.findDeadlockedThreads();
            if (ids == null) {
                return HealthCheckResult.healthy();
            }
            StringBuilder names = new StringBuilder();
            for (var info : threads.getThreadInfo(ids)) {
                if (info != null) {
                    names.append(names.length() == 0 ? "" : ", ").append('\'').append(info.getThreadName()).append('\'');
                }
            }
            return HealthCheckResult.unhealthy(ids.length + " threads deadlocked: " + names);
        };
    }
}

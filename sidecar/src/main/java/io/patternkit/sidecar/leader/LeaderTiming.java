package io.patternkit.sidecar.leader;

import java.time.Duration;
import java.util.Objects;

/**
 * The three durations of client-go's leaderelection, with its rules: the lease duration is how
 * long other candidates wait after the last renew before taking over; the renew deadline is how
 * long after a successful acquire or renew the sidecar still calls the holder leader; the retry
 * period is how often holders renew and candidates retry. {@code retryPeriod < renewDeadline <
 * leaseDuration}, so a holder that cannot renew stops leading before anyone else can acquire.
 *
 * @param leaseDuration at least 1 s (Kubernetes Leases count whole seconds)
 * @param renewDeadline shorter than {@code leaseDuration}
 * @param retryPeriod positive and shorter than {@code renewDeadline}
 */
public record LeaderTiming(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {

    /** client-go's defaults: 15 s, 10 s and 2 s. */
    public static final LeaderTiming DEFAULT = new LeaderTiming(Duration.ofSeconds(15), Duration.ofSeconds(10),
            Duration.ofSeconds(2));

    /**
     * Checks client-go's rules.
     *
     * @throws IllegalArgumentException naming the rule that is broken
     * @param leaseDuration at least 1 s (Kubernetes Leases count whole seconds)
     * @param renewDeadline shorter than {@code leaseDuration}
     * @param retryPeriod positive and shorter than {@code renewDeadline}
     * @throws NullPointerException when a duration is null
     */
    public LeaderTiming {
        Objects.requireNonNull(leaseDuration, "leaseDuration");
        Objects.requireNonNull(renewDeadline, "renewDeadline");
        Objects.requireNonNull(retryPeriod, "retryPeriod");
        if (leaseDuration.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("--lease-duration must be at least 1s");
        }
        if (renewDeadline.compareTo(leaseDuration) >= 0) {
            throw new IllegalArgumentException("--renew-deadline (" + renewDeadline.toMillis()
                    + " ms) must be shorter than --lease-duration (" + leaseDuration.toMillis() + " ms)");
        }
        if (retryPeriod.toMillis() < 1) {
            throw new IllegalArgumentException("--retry-period must be at least 1ms");
        }
        if (retryPeriod.compareTo(renewDeadline) >= 0) {
            throw new IllegalArgumentException("--retry-period (" + retryPeriod.toMillis()
                    + " ms) must be shorter than --renew-deadline (" + renewDeadline.toMillis() + " ms)");
        }
    }
}

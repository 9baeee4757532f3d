package io.patternkit.bench.leader;

import java.time.Duration;
import java.util.List;

/**
 * The lease settings every contender of one phase gets, in client-go's terms: how long others wait
 * after the last renew before taking over ({@code leaseDuration}), how long the holder keeps calling
 * itself leader without a successful renew ({@code renewDeadline}), and how often the holder renews
 * and candidates retry ({@code retryPeriod}). Curator has only a ZooKeeper session timeout, set to
 * the lease duration.
 */
record LeaseSettings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {

    LeaseSettings {
        if (renewDeadline.compareTo(leaseDuration) >= 0 || retryPeriod.compareTo(renewDeadline) >= 0) {
            throw new IllegalArgumentException("need retry period < renew deadline < lease duration: " + this);
        }
    }

    /** From milliseconds. */
    static LeaseSettings ofMillis(long lease, long renewDeadline, long retryPeriod) {
        return new LeaseSettings(Duration.ofMillis(lease), Duration.ofMillis(renewDeadline), Duration.ofMillis(retryPeriod));
    }

    /** The candidate mains' options. */
    List<String> asArgs() {
        return List.of("--lease-ms", Long.toString(leaseDuration.toMillis()), "--renew-ms",
                Long.toString(renewDeadline.toMillis()), "--retry-ms", Long.toString(retryPeriod.toMillis()));
    }

    /** Reads the candidate mains' options. */
    static LeaseSettings from(io.patternkit.bench.Args args) {
        return ofMillis(args.integer("lease-ms", 3000), args.integer("renew-ms", 2000), args.integer("retry-ms", 500));
    }

    /** For tables: {@code lease 3 s / renew deadline 2 s / retry 0.5 s}. */
    String describe() {
        return "lease " + seconds(leaseDuration) + " / renew deadline " + seconds(renewDeadline) + " / retry "
                + seconds(retryPeriod);
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : (ms / 1000.0) + " s";
    }
}

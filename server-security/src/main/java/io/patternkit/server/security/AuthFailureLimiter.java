package io.patternkit.server.security;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Limits failed authentication per remote address: an address may fail at most {@code maxFailures} times per
 * {@code window}; once it has, every request from it is refused (429 with {@code Retry-After}) until the window
 * turns, whatever token it carries, so guessing the token from the network costs a window per
 * {@code maxFailures} guesses. Each address's allowance is a resilience4j {@link RateLimiter} (permissions refreshed
 * each window). Loopback connections (the pod itself: the app and its sidecars) are never limited, so a
 * misconfigured app cannot lock itself and its neighbours out; they are still counted by the servers. The
 * addresses remembered are capped ({@value #MAX_ADDRESSES}, least recently seen forgotten first), so a flood
 * from many addresses cannot exhaust memory. Thread-safe.
 */
public final class AuthFailureLimiter {
    /** The most addresses remembered at once. */
    public static final int MAX_ADDRESSES = 4096;

    /**
     * How many failures an address may have per window.
     *
     * @param maxFailures failures allowed per window; 0 turns limiting off
     * @param window how long a window lasts, positive
     */
    public record Settings(int maxFailures, Duration window) {
        /** The default: 10 failures per minute. */
        public static final Settings DEFAULT = new Settings(10, Duration.ofMinutes(1));

        /**
         * @param maxFailures failures allowed per window; 0 turns limiting off
         * @param window how long a window lasts, positive
         * @throws IllegalArgumentException when {@code maxFailures} is negative or the window is not positive
         */
        public Settings {
            if (maxFailures < 0) {
                throw new IllegalArgumentException("maxFailures must not be negative");
            }
            if (window == null || window.isZero() || window.isNegative()) {
                throw new IllegalArgumentException("the auth failure window must be positive");
            }
        }
    }

    private final Settings settings;
    private final RateLimiterConfig config;
    private final Map<String, AtomicRateLimiter> byAddress = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, AtomicRateLimiter> eldest) {
                    return size() > MAX_ADDRESSES;
                }
            });

    /**
     * @param settings the allowance per address
     */
    public AuthFailureLimiter(Settings settings) {
        this.settings = settings;
        this.config = settings.maxFailures() == 0 ? null : RateLimiterConfig.custom()
                .limitForPeriod(settings.maxFailures()).limitRefreshPeriod(settings.window())
                .timeoutDuration(Duration.ZERO).build();
    }

    /** @return the allowance per address */
    public Settings settings() {
        return settings;
    }

    /**
     * Asks before checking a request's credentials.
     *
     * @param remote the connection's remote address
     * @return how long the address must wait before it may try again, or empty when it may try now
     */
    public Optional<Duration> refusedFor(SocketAddress remote) {
        // Runs on every authenticated request: one map lookup (loopback addresses are never in the map).
        if (config == null || remote == null) {
            return Optional.empty();
        }
        AtomicRateLimiter limiter = byAddress.get(remote.hostAddress());
        if (limiter == null || limiter.getMetrics().getAvailablePermissions() > 0) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(Math.max(1, limiter.getDetailedMetrics().getNanosToWait())));
    }

    /**
     * Records a failed authentication (no token, a wrong one).
     *
     * @param remote the connection's remote address
     */
    public void failed(SocketAddress remote) {
        if (config == null || Loopback.isLoopback(remote)) {
            return;
        }
        byAddress.computeIfAbsent(remote.hostAddress(), a -> new AtomicRateLimiter("auth-" + a, config))
                .acquirePermission();
    }

    /** @return how many addresses are refused now */
    public long refusedAddresses() {
        synchronized (byAddress) {
            return byAddress.values().stream().filter(l -> l.getMetrics().getAvailablePermissions() <= 0).count();
        }
    }
}

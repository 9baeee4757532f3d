package io.patternkit.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AuthFailureLimiterTest {
    private static final SocketAddress STRANGER = SocketAddress.inetSocketAddress(40000, "192.0.2.77");
    private static final SocketAddress OTHER = SocketAddress.inetSocketAddress(40001, "192.0.2.78");
    private static final SocketAddress POD = SocketAddress.inetSocketAddress(40002, "127.0.0.1");

    @Test
    void anAddressIsRefusedOnceItUsedItsFailuresAndOnlyThatOne() {
        AuthFailureLimiter limiter = new AuthFailureLimiter(new AuthFailureLimiter.Settings(3, Duration.ofMinutes(5)));
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.refusedFor(STRANGER)).isEmpty();
            limiter.failed(STRANGER);
        }
        assertThat(limiter.refusedFor(STRANGER)).hasValueSatisfying(wait ->
                assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(5)));
        assertThat(limiter.refusedFor(OTHER)).isEmpty();
        assertThat(limiter.refusedAddresses()).isEqualTo(1);
    }

    @Test
    void theAllowanceComesBackWhenTheWindowTurns() {
        AuthFailureLimiter limiter = new AuthFailureLimiter(new AuthFailureLimiter.Settings(2, Duration.ofMillis(300)));
        limiter.failed(STRANGER);
        limiter.failed(STRANGER);
        assertThat(limiter.refusedFor(STRANGER)).isPresent();
        await().atMost(Duration.ofSeconds(5)).until(() -> limiter.refusedFor(STRANGER).isEmpty());
    }

    @Test
    void loopbackIsNeverRefusedSoThePodCannotLockItselfOut() {
        AuthFailureLimiter limiter = new AuthFailureLimiter(new AuthFailureLimiter.Settings(1, Duration.ofMinutes(5)));
        for (int i = 0; i < 10; i++) {
            limiter.failed(POD);
        }
        assertThat(limiter.refusedFor(POD)).isEmpty();
    }

    @Test
    void zeroFailuresTurnsLimitingOff() {
        AuthFailureLimiter limiter = new AuthFailureLimiter(new AuthFailureLimiter.Settings(0, Duration.ofMinutes(1)));
        for (int i = 0; i < 100; i++) {
            limiter.failed(STRANGER);
        }
        assertThat(limiter.refusedFor(STRANGER)).isEmpty();
    }

    @Test
    void theAddressesRememberedAreCapped() {
        AuthFailureLimiter limiter = new AuthFailureLimiter(new AuthFailureLimiter.Settings(1, Duration.ofMinutes(5)));
        for (int i = 0; i < AuthFailureLimiter.MAX_ADDRESSES + 100; i++) {
            limiter.failed(SocketAddress.inetSocketAddress(1, "10.0." + (i / 256) + "." + (i % 256)));
        }
        assertThat(limiter.refusedAddresses()).isEqualTo(AuthFailureLimiter.MAX_ADDRESSES);
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new AuthFailureLimiter.Settings(-1, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AuthFailureLimiter.Settings(1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

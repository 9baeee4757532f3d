package io.patternkit.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConnectionCapTest {
    private static final SocketAddress POD = SocketAddress.inetSocketAddress(40000, "127.0.0.1");
    private static final SocketAddress STRANGER = SocketAddress.inetSocketAddress(40000, "10.1.2.3");

    @ParameterizedTest
    @CsvSource({"1, 0", "2, 1", "7, 1", "8, 1", "9, 2", "256, 32", "1024, 128"})
    void anEighthRoundedUpIsKeptForLoopbackAndNoneOfACapOfOne(int max, int kept) {
        ConnectionCap cap = new ConnectionCap(max);
        assertThat(cap.keptForLoopback()).isEqualTo(kept);
        assertThat(cap.admits(STRANGER, max - kept)).isTrue();
        assertThat(cap.admits(STRANGER, max - kept + 1)).isFalse();
        assertThat(cap.admits(POD, max)).isTrue();
        assertThat(cap.admits(POD, max + 1)).isFalse();
        assertThat(cap.admits(null, max)).as("an unknown address is this machine's").isTrue();
    }

    @ParameterizedTest
    @CsvSource({"0", "-1"})
    void aCapBelowOneIsRefused(int max) {
        assertThatThrownBy(() -> new ConnectionCap(max)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }
}

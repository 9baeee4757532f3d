package io.patternkit.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.Test;

class LoopbackTest {
    @Test
    void loopbackAddressesAndLocalhostAreLoopback() {
        assertThat(Loopback.isLoopbackHost("127.0.0.1")).isTrue();
        assertThat(Loopback.isLoopbackHost("127.3.2.1")).isTrue();
        assertThat(Loopback.isLoopbackHost("::1")).isTrue();
        assertThat(Loopback.isLoopbackHost("[::1]")).isTrue();
        assertThat(Loopback.isLoopbackHost("LOCALHOST")).isTrue();
        assertThat(Loopback.isLoopback(SocketAddress.domainSocketAddress("/tmp/x.sock"))).isTrue();
    }

    @Test
    void otherAddressesAndNamesAreNot() {
        assertThat(Loopback.isLoopbackHost("0.0.0.0")).isFalse();
        assertThat(Loopback.isLoopbackHost("192.0.2.1")).isFalse();
        assertThat(Loopback.isLoopbackHost("leaf-0.leaves.default.svc")).isFalse();
        assertThat(Loopback.isLoopbackHost("127.0.0.1.nip.io")).isFalse();
        assertThat(Loopback.isLoopback(SocketAddress.inetSocketAddress(1, "192.0.2.1"))).isFalse();
    }
}

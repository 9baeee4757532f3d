package io.patternkit.server.security;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.Optional;

/** Addresses for the servers' tests that need a client that is not on loopback. Shared through the test-jar. */
public final class TestAddresses {
    private TestAddresses() {
    }

    /**
     * @return this machine's first non-loopback, non-link-local IPv4 address: a connection to it from this machine
     *     comes from it, not from loopback, so a server sees a stranger; empty when the machine has none
     */
    public static Optional<InetAddress> nonLoopbackIpv4() {
        try {
            return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                    .filter(TestAddresses::upAndNotLoopback)
                    .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                    .filter(a -> a instanceof Inet4Address && !a.isLinkLocalAddress()).findFirst();
        } catch (SocketException e) {
            return Optional.empty();
        }
    }

    private static boolean upAndNotLoopback(NetworkInterface i) {
        try {
            return i.isUp() && !i.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }
}

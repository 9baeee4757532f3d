package io.patternkit.server.security;

import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Tells connections from this machine (in Kubernetes, from the pod: the app and its sidecars share one
 * network namespace) from connections that crossed a network.
 */
public final class Loopback {
    private Loopback() {
    }

    /**
     * @param remote a connection's remote address, or null
     * @return true for a loopback address ({@code 127.0.0.0/8}, {@code ::1}) and for a Unix domain socket or an
     *     unknown address (null), which are on this machine too
     */
    public static boolean isLoopback(SocketAddress remote) {
        if (remote == null || remote.hostAddress() == null) {
            return true;
        }
        return isLoopbackHost(remote.hostAddress());
    }

    /**
     * @param host an address literal or a host name, such as {@code 127.0.0.1}, {@code ::1} or {@code localhost}
     * @return true when it is a loopback address or {@code localhost}; false for every other name, which is not
     *     resolved (a name that resolves elsewhere later must not pass for loopback)
     */
    public static boolean isLoopbackHost(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!isAddressLiteral(bare)) {
            return false;
        }
        try {
            return InetAddress.getByName(bare).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean isAddressLiteral(String host) {
        return host.contains(":") || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }
}

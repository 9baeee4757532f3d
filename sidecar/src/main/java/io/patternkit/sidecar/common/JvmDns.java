package io.patternkit.sidecar.common;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.Security;
import java.time.Duration;
import java.util.List;

/**
 * Name resolution for the patterns that find their peers by DNS (a Kubernetes headless Service):
 * scatter/gather's leaves and the ambassador's endpoints. Through the JVM resolver, so
 * {@code /etc/hosts} and search domains apply; blocking, so called off the event loop.
 */
public final class JvmDns {
    private static final String CACHE_TTL = "networkaddress.cache.ttl";

    private JvmDns() {
    }

    /**
     * Lets the JVM cache a name no longer than the re-resolution interval, so that pods coming and
     * going are seen (it would otherwise keep an answer for 30 s). Leaves an operator's own
     * {@code networkaddress.cache.ttl} alone.
     *
     * @param interval how often names are resolved again
     */
    public static void followChangesEvery(Duration interval) {
        if (Security.getProperty(CACHE_TTL) == null) {
            Security.setProperty(CACHE_TTL, Long.toString(Math.max(1, interval.toSeconds())));
        }
    }

    /**
     * Resolves a name to all its addresses; blocks.
     *
     * @param host the name, or an address literal
     * @return its addresses, in the resolver's order; never empty
     * @throws UnknownHostException when the name does not resolve
     */
    public static List<InetAddress> resolve(String host) throws UnknownHostException {
        return List.of(InetAddress.getAllByName(host));
    }

    /**
     * @param address an address
     * @return its literal as a URL's host: {@code 10.0.0.5}, or {@code [fd00::5]} for IPv6
     */
    public static String urlHost(InetAddress address) {
        return address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
    }
}

package io.patternkit.server.security;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;

/** What the servers' security tests need to play a client on the network. Shared through the test-jar. */
public final class Strangers {
    private Strangers() {
    }

    /**
     * This machine's first non-loopback, non-link-local IPv4 address: a connection to it from this machine comes
     * from it, not from loopback, so a server sees a stranger. Skips the calling test (a JUnit assumption) on a
     * machine without one.
     *
     * @return the address
     */
    public static InetAddress nonLoopbackAddress() {
        Optional<InetAddress> found;
        try {
            found = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                    .filter(Strangers::upAndNotLoopback)
                    .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                    .filter(a -> a instanceof Inet4Address && !a.isLinkLocalAddress()).findFirst();
        } catch (SocketException e) {
            found = Optional.empty();
        }
        assumeThat(found).as("a non-loopback IPv4 address on this machine").isPresent();
        return found.get();
    }

    /**
     * @param client the client
     * @param uri the URL to GET
     * @param token the bearer token to send, or null for none
     * @return the answer, its body as text
     * @throws IOException when the exchange fails (a TLS handshake refused, a connection refused)
     * @throws InterruptedException when interrupted
     */
    public static HttpResponse<String> get(HttpClient client, URI uri, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean upAndNotLoopback(NetworkInterface i) {
        try {
            return i.isUp() && !i.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }
}

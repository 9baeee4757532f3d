package io.patternkit.server.security;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

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

    /**
     * Starts a slowloris: a daemon thread that writes {@code text} to {@code out} a byte at a time, {@code pace}
     * apart (the attack's pace, not a synchronisation), until the text ends or a write fails.
     *
     * @param out the connection's output
     * @param text what it sends, as ISO-8859-1 bytes
     * @param pace the wait after each byte
     * @return a latch that opens when a write fails (the server closed the connection)
     */
    public static CountDownLatch slowloris(OutputStream out, String text, Duration pace) {
        CountDownLatch failed = new CountDownLatch(1);
        Thread thread = new Thread(() -> {
            try {
                for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(pace.toMillis());
                }
            } catch (IOException e) {
                failed.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "slowloris");
        thread.setDaemon(true);
        thread.start();
        return failed;
    }

    /**
     * Trickles on the calling thread: writes {@code b} to the connection a byte at a time, {@code pace} apart (the
     * trickle's pace, not a synchronisation), until the server's answer begins to arrive or {@code most} bytes are out.
     *
     * @param socket the connection
     * @param b the byte it sends
     * @param most the most bytes it sends
     * @param pace the wait after each byte
     * @return how many bytes it wrote
     * @throws IOException when a write fails
     * @throws InterruptedException when interrupted between bytes
     */
    public static int trickleUntilAnswered(Socket socket, byte b, int most, Duration pace)
            throws IOException, InterruptedException {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        int sent = 0;
        while (in.available() == 0 && sent < most) {
            out.write(b);
            out.flush();
            sent++;
            Thread.sleep(pace.toMillis());
        }
        return sent;
    }

    private static boolean upAndNotLoopback(NetworkInterface i) {
        try {
            return i.isUp() && !i.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }
}

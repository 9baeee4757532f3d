package io.patternkit.management.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patternkit.server.security.Strangers;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A new connection that does not deliver its first request's line and headers in time is closed, however steadily it
 * trickles bytes; one that delivers them is not, and its later requests are not timed.
 */
class ReadHeaderTimeoutTest {
    private static final Duration FIRST = Duration.ofMillis(600);
    private static final String GET = "GET /fast HTTP/1.1\r\nHost: a\r\n\r\n";

    private final Vertx vertx = Vertx.vertx();
    private HttpServer server;

    @BeforeEach
    void start() {
        ReadHeaderTimeout timeout = new ReadHeaderTimeout(vertx, FIRST);
        server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
                .connectionHandler(connection -> {
                    Runnable closed = timeout.opened(connection);
                    connection.closeHandler(v -> closed.run());
                })
                .requestHandler(request -> {
                    timeout.arrived(request.connection());
                    // /slow answers after twice the wait: an answer under way is not timed.
                    long delay = request.path().equals("/slow") ? 2 * FIRST.toMillis() : 1;
                    vertx.setTimer(delay, id -> request.response().end("ok"));
                })
                .listen(0, "127.0.0.1").await();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.actualPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    @Test
    void aFirstRequestTrickledAByteAtATimeLosesItsConnection() throws Exception {
        long start = System.nanoTime(); // before the server's wait can start
        try (Socket socket = connect()) {
            CountDownLatch stopped = Strangers.slowloris(socket.getOutputStream(), "GET /fast HTTP/1.1\r\nHost: a\r\nX-Slow: "
                    + "z".repeat(1000), Duration.ofMillis(50));
            // The server closes it: the read ends instead of waiting for an answer that never comes.
            assertClosed(socket);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(FIRST)
                    .isLessThan(Duration.ofSeconds(5));
            assertThat(stopped.await(10, TimeUnit.SECONDS)).as("the trickle's writes fail once it is closed").isTrue();
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosedToo() throws Exception {
        try (Socket socket = connect()) {
            assertClosed(socket);
        }
    }

    /**
     * The read ends: at the end of the stream, or with a reset, which Linux reports instead when bytes the client
     * trickled were still unread as the server closed.
     */
    private static void assertClosed(Socket socket) throws IOException {
        try {
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        } catch (SocketException reset) {
            assertThat(reset).hasMessageContaining("reset");
        }
    }

    @Test
    void aConnectionWhoseFirstRequestCameInTimeIsNotTimedAfter() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            // Its first answer takes twice the wait, and the connection then rests as long again: both are the
            // server's idle timeout's (none here), not this wait's.
            out.write("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readAnswer(in)).startsWith("HTTP/1.1 200").endsWith("ok");
            CountDownLatch rested = new CountDownLatch(1);
            vertx.setTimer(2 * FIRST.toMillis(), id -> rested.countDown());
            assertThat(rested.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 3; i++) {
                out.write(GET.getBytes(StandardCharsets.US_ASCII));
                assertThat(readAnswer(in)).startsWith("HTTP/1.1 200").endsWith("ok");
            }
        }
    }

    @Test
    void theWaitMustBePositive() {
        assertThatThrownBy(() -> new ReadHeaderTimeout(vertx, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout must be positive");
        assertThatThrownBy(() -> new ReadHeaderTimeout(vertx, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout must be positive");
    }

    /** Reads one answer with a {@code Content-Length} body. */
    private static String readAnswer(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
        }
        int length = Integer.parseInt(head.toString().lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                .findFirst().orElseThrow().substring("content-length:".length()).trim());
        return head + new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }
}

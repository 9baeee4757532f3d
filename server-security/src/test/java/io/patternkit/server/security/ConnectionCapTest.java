package io.patternkit.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SocketAddress;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
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

    @Test
    void aServerThatHandsItEveryConnectionServesTheCapClosesTheRestAndCountsClosesItself() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            ConnectionCap cap = new ConnectionCap(2);
            AtomicInteger admitted = new AtomicInteger();
            AtomicInteger closed = new AtomicInteger();
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false)).connectionHandler(connection ->
                    cap.admit(connection, c -> {
                        admitted.incrementAndGet();
                        return closed::incrementAndGet;
                    })).requestHandler(r -> r.response().end("ok")).listen(0, "127.0.0.1").await();
            try (Socket first = new Socket("127.0.0.1", server.actualPort());
                    Socket second = new Socket("127.0.0.1", server.actualPort())) {
                assertThat(answer(first)).startsWith("HTTP/1.1 200");
                assertThat(answer(second)).startsWith("HTTP/1.1 200");
                try (Socket third = new Socket("127.0.0.1", server.actualPort())) {
                    third.setSoTimeout(10_000);
                    assertThat(third.getInputStream().read()).as("the connection past the cap is closed").isEqualTo(-1);
                }
                // The client sees the close before the server's close handler has surely run.
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(cap.open()).isEqualTo(2));
                assertThat(admitted).as("the refused connection is not handed on").hasValue(2);
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(cap.open()).as("every close uncounted, the refused one's too").isZero();
                assertThat(closed).as("each admitted connection's own close action ran once").hasValue(2);
            });
            try (Socket again = new Socket("127.0.0.1", server.actualPort())) {
                assertThat(answer(again)).as("the places are free again").startsWith("HTTP/1.1 200");
            }
        } finally {
            vertx.close().await();
        }
    }

    private static String answer(Socket socket) throws Exception {
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        byte[] line = new byte[12];
        int n = in.readNBytes(line, 0, line.length);
        return new String(line, 0, n, StandardCharsets.US_ASCII);
    }
}

package io.patternkit.sidecar.scatter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VertxJsonPosterTest {
    private final Vertx vertx = Vertx.vertx();
    private final List<SocketChannel> queued = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (SocketChannel channel : queued) {
            channel.close();
        }
        vertx.close().await();
    }

    @Test
    void aConnectionAttemptNobodyAnswersEndsAtTheConnectTimeoutAndFreesItsPlace() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = (InetSocketAddress) silent.getLocalSocketAddress();
            // Nobody accepts: once the accept queue is full the kernel drops further SYNs, as a host that is gone does.
            for (int i = 0; i < 4; i++) {
                SocketChannel channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.connect(address);
                queued.add(channel);
            }
            try (Socket probe = new Socket()) {
                assertThatThrownBy(() -> probe.connect(address, 500)).as("the address no longer answers a connect")
                        .isInstanceOf(SocketTimeoutException.class);
            }
            VertxJsonPoster poster = new VertxJsonPoster(vertx, 1 << 20, 1, Duration.ofMillis(300),
                    new LeafTls(Optional.empty(), Optional.empty()));
            String url = "http://127.0.0.1:" + address.getPort() + "/leaf";

            // One place for the address: the second attempt can only start once the first has given it up.
            for (int attempt = 1; attempt <= 2; attempt++) {
                CompletableFuture<JsonPoster.Reply> reply = new CompletableFuture<>();
                long start = System.nanoTime();
                poster.post(url, Map.of(), Buffer.buffer("{}"), Duration.ofSeconds(10), reply::complete);
                JsonPoster.Reply failed = reply.get(20, TimeUnit.SECONDS);
                assertThat(failed.failure()).as("attempt %d", attempt).isNotNull()
                        .doesNotContain("getting a connection").containsIgnoringCase("timed out");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            }
        }
    }
}

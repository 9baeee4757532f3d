package io.patternkit.bench.ambassador;

import io.patternkit.bench.Args;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The upstream process of the ambassador benchmark: several Vert.x HTTP servers on loopback, each
 * answering every request with the same 256-byte body at once, except that the last
 * {@code --straggling} servers make every {@code --straggle-every}-th request wait
 * {@code --straggle-ms} first (on a timer: no thread is held, and a request whose connection closed
 * in the meantime is not answered).
 *
 * <p>Options: {@code --servers 4}, {@code --straggling 2}, {@code --straggle-every 100},
 * {@code --straggle-ms 20}. Prints {@code EVENT READY ports=port,port,...} and serves until standard input says quit or closes.
 */
public final class EchoUpstream {
    private static final Buffer BODY = Buffer.buffer("x".repeat(256));

    private EchoUpstream() {
    }

    /**
     * Runs the servers.
     *
     * @param argv {@code --name value} options, see the class comment
     * @throws Exception when a server cannot listen
     */
    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        int count = args.integer("servers", 4);
        int straggling = args.integer("straggling", 2);
        int every = args.integer("straggle-every", 100);
        long delayMs = args.integer("straggle-ms", 20);
        Vertx vertx = Vertx.vertx();
        List<HttpServer> servers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boolean straggles = i >= count - straggling;
            AtomicLong calls = new AtomicLong();
            HttpServer server = vertx.createHttpServer().requestHandler(request -> {
                if (straggles && calls.incrementAndGet() % every == 0) {
                    vertx.setTimer(delayMs, id -> answer(request));
                } else {
                    answer(request);
                }
            });
            servers.add(server.listen(0, "127.0.0.1").await());
        }
        System.out.println("EVENT READY ports=" + servers.stream().map(s -> Integer.toString(s.actualPort()))
                .collect(Collectors.joining(",")));
        System.out.flush();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null && !line.equals("quit")) {
                // serve until the harness says quit or closes our standard input
            }
        }
        vertx.close().await();
    }

    private static void answer(HttpServerRequest request) {
        if (!request.response().closed()) {
            request.response().putHeader("Content-Type", "text/plain").end(BODY);
        }
    }
}

package io.patternkit.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The downstream system the leaders of the integration tests write to, in the test JVM: a tiny HTTP store
 * that keeps, per election, the highest fencing token it has accepted, accepts a write whose token is at
 * least that high and rejects (409) a write with a lower one, as Kleppmann's "How to do distributed
 * locking" asks of every resource a lock protects. It records every attempt, accepted or not, in arrival
 * order, with the arrival time on {@link System#nanoTime()} (the machine's monotonic clock, which the
 * candidate processes' event logs use too).
 *
 * <p>Wire: {@code POST /write?election=E&candidate=C&token=T&n=N}, answering 200 {@code accepted} or 409
 * {@code rejected <highest>}. Thread-safe.
 */
final class FencedStore implements AutoCloseable {
    static {
        // without it the JDK server delays every answer by the delayed-ACK timeout (about 40 ms)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final Map<String, Long> highest = new HashMap<>();
    private final List<Attempt> attempts = new ArrayList<>();

    /**
     * One write attempt as the store saw it.
     *
     * @param seq arrival order, from 0
     * @param election the election (the store's key)
     * @param candidate the writer
     * @param token the writer's fencing token
     * @param n the writer's own counter of the write
     * @param accepted whether the store took it
     * @param highestBefore the highest token accepted for the election before this attempt
     * @param atNanos arrival time, {@link System#nanoTime()}
     */
    record Attempt(long seq, String election, String candidate, long token, long n, boolean accepted,
            long highestBefore, long atNanos) {
    }

    FencedStore() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/write", this::write);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "fenced-store");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** @return the store's base URL */
    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void write(HttpExchange exchange) throws IOException {
        long at = System.nanoTime();
        Map<String, String> q = new HashMap<>();
        String query = exchange.getRequestURI().getRawQuery();
        for (String pair : query == null ? new String[0] : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                q.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        exchange.getRequestBody().readAllBytes();
        int status;
        String body;
        try {
            String election = q.get("election");
            String candidate = q.get("candidate");
            long token = Long.parseLong(q.get("token"));
            long n = Long.parseLong(q.getOrDefault("n", "0"));
            synchronized (this) {
                long before = highest.getOrDefault(election, 0L);
                boolean accepted = token >= before;
                if (accepted) {
                    highest.put(election, token);
                }
                attempts.add(new Attempt(attempts.size(), election, candidate, token, n, accepted, before, at));
                status = accepted ? 200 : 409;
                body = accepted ? "accepted" : "rejected " + before;
            }
        } catch (RuntimeException e) {
            status = 400;
            body = "bad request: " + e;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** @return every attempt so far, in arrival order */
    synchronized List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /**
     * @param election the election
     * @return its attempts so far, in arrival order
     */
    synchronized List<Attempt> attempts(String election) {
        return attempts.stream().filter(a -> a.election().equals(election)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    /**
     * @param election the election
     * @param candidate the writer
     * @return that writer's attempts so far, in arrival order
     */
    synchronized List<Attempt> attemptsBy(String election, String candidate) {
        List<Attempt> out = new ArrayList<>();
        for (Attempt a : attempts) {
            if (a.election().equals(election) && a.candidate().equals(candidate)) {
                out.add(a);
            }
        }
        return out;
    }
}

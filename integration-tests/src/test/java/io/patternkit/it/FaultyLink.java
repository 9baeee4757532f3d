package io.patternkit.it;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback between a client (a sidecar) and a server (PostgreSQL) whose link a test breaks, the
 * way a network does: {@link #delay} adds latency to every chunk in both directions (ordered, as a slow link
 * keeps order); {@link #cut} silently black-holes every open connection for good (bytes dropped, no FIN, no
 * RST, as when a NAT entry or a route is lost) and holds new connections unanswered until {@link #heal}, after
 * which new connections work again. Chunks are forwarded without backpressure (test volumes are small).
 */
final class FaultyLink implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private final NetClient upstream = vertx.createNetClient();
    private final NetServer server;
    private final int targetPort;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final List<Link> held = new CopyOnWriteArrayList<>();
    private final AtomicInteger doomed = new AtomicInteger();
    private volatile long delayMs;
    private volatile boolean cut;

    private FaultyLink(int targetPort) {
        this.targetPort = targetPort;
        this.server = vertx.createNetServer().connectHandler(this::accepted);
    }

    /**
     * @param targetPort the server's port on 127.0.0.1
     * @return a running proxy; connect to {@link #port()}
     */
    static FaultyLink start(int targetPort) throws Exception {
        FaultyLink link = new FaultyLink(targetPort);
        link.server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return link;
    }

    int port() {
        return server.actualPort();
    }

    /** @param latency added to every chunk in both directions; zero for none */
    void delay(Duration latency) {
        delayMs = latency.toMillis();
    }

    /** Black-holes every open connection for good and holds new ones until {@link #heal()}. */
    synchronized void cut() {
        cut = true;
        for (Link link : links) {
            if (!link.doomed) {
                link.doomed = true;
                doomed.incrementAndGet();
            }
        }
    }

    /** New connections (and those held during the cut) reach the server again; black-holed ones stay dead. */
    synchronized void heal() {
        cut = false;
        held.forEach(Link::connect);
        held.clear();
    }

    /** @return the connections black-holed by cuts so far */
    int doomedConnections() {
        return doomed.get();
    }

    /**
     * @return black-holed connections the client has not closed yet: a client that never notices a dead
     *     connection (no timeout on a read) keeps it, and whatever waits on it, forever
     */
    long doomedStillOpen() {
        return links.stream().filter(l -> l.doomed && !l.clientClosed).count();
    }

    private synchronized void accepted(NetSocket client) {
        client.pause();
        Link link = new Link(client);
        links.add(link);
        if (cut) {
            held.add(link);
        } else {
            link.connect();
        }
    }

    @Override
    public void close() {
        vertx.close().await();
    }

    /** One client connection and its upstream. */
    private final class Link {
        final NetSocket client;
        volatile boolean doomed;
        volatile boolean clientClosed;

        Link(NetSocket client) {
            this.client = client;
            client.closeHandler(v -> clientClosed = true); // replaced by pipe's handler once connected
        }

        void connect() {
            upstream.connect(targetPort, "127.0.0.1").onSuccess(server -> {
                pipe(client, server);
                pipe(server, client);
                client.resume();
            }).onFailure(e -> client.close());
        }

        private void pipe(NetSocket from, NetSocket to) {
            Direction direction = new Direction(to);
            from.handler(direction::forward);
            from.closeHandler(v -> {
                if (from == client) {
                    clientClosed = true;
                }
                if (!doomed) {
                    to.close();
                }
            });
        }

        /** One direction of the link: chunks leave in the order they came, each no sooner than its latency. */
        private final class Direction {
            final NetSocket to;
            final ArrayDeque<Delayed> queue = new ArrayDeque<>();

            Direction(NetSocket to) {
                this.to = to;
            }

            void forward(Buffer chunk) { // on the link's event loop, as is every timer it sets
                if (doomed) {
                    return;
                }
                long latency = delayMs;
                if (latency == 0 && queue.isEmpty()) {
                    to.write(chunk);
                    return;
                }
                queue.add(new Delayed(System.nanoTime() + latency * 1_000_000, chunk));
                if (queue.size() == 1) {
                    scheduleHead();
                }
            }

            private void scheduleHead() {
                long waitMs = Math.max(1, (queue.peek().dueNanos() - System.nanoTime()) / 1_000_000);
                vertx.setTimer(waitMs, id -> {
                    Delayed head = queue.poll();
                    if (!doomed) {
                        to.write(head.chunk());
                    }
                    if (!queue.isEmpty()) {
                        scheduleHead();
                    }
                });
            }
        }
    }

    private record Delayed(long dueNanos, Buffer chunk) {
    }
}

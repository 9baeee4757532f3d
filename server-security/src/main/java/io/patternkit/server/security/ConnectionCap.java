package io.patternkit.server.security;

import io.vertx.core.net.SocketAddress;

/**
 * The most connections a server keeps open at once, with places kept for the pod's own: a connection from off
 * loopback (a stranger) is refused once all but an eighth of the cap are open (at least one place kept when the cap
 * is two or more), so that strangers holding connections open cannot lock the app, or its sidecar, out.
 *
 * @param max the cap, at least one
 */
public record ConnectionCap(int max) {
    /**
     * @param max the cap, at least one
     * @throws IllegalArgumentException when {@code max} is below one
     */
    public ConnectionCap {
        if (max < 1) {
            throw new IllegalArgumentException("the connection cap must be at least 1, got " + max);
        }
    }

    /** @return the places strangers cannot take: an eighth of the cap rounded up, none for a cap of one */
    public int keptForLoopback() {
        return max < 2 ? 0 : (max + 7) / 8;
    }

    /**
     * @param remote a new connection's remote address (null counts as loopback, see {@link Loopback#isLoopback})
     * @param open the connections open with this one counted
     * @return whether the connection may stay open
     */
    public boolean admits(SocketAddress remote, int open) {
        return open <= (Loopback.isLoopback(remote) ? max : max - keptForLoopback());
    }
}

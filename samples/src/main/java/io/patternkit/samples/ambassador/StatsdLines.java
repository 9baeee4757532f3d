package io.patternkit.samples.ambassador;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The sample app's statsd output: one UDP datagram per line, fire and forget, as a statsd client
 * sends them (this app stands for one that knows statsd and nothing else). Without a target, sends
 * nothing.
 */
final class StatsdLines implements AutoCloseable {
    private final DatagramSocket socket;
    private final InetSocketAddress target;

    private StatsdLines(DatagramSocket socket, InetSocketAddress target) {
        this.socket = socket;
        this.target = target;
    }

    /**
     * @param hostAndPort {@code HOST:PORT}, or null for none
     * @return the sender
     */
    static StatsdLines to(String hostAndPort) throws IOException {
        if (hostAndPort == null) {
            return new StatsdLines(null, null);
        }
        int colon = hostAndPort.lastIndexOf(':');
        return new StatsdLines(new DatagramSocket(), new InetSocketAddress(hostAndPort.substring(0, colon),
                Integer.parseInt(hostAndPort.substring(colon + 1))));
    }

    /** @param line one statsd line */
    void send(String line) {
        if (socket == null) {
            return;
        }
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        try {
            socket.send(new DatagramPacket(bytes, bytes.length, target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.close();
        }
    }
}

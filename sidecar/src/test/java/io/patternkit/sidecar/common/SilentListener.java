package io.patternkit.sidecar.common;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A loopback address that drops connection attempts, as a host that is gone without a reset does: a listener
 * nobody accepts from, whose accept queue is filled, so the kernel drops further SYNs.
 */
public final class SilentListener implements AutoCloseable {
    private final ServerSocket socket;
    private final List<SocketChannel> queued = new ArrayList<>();
    /** The local ports of the listener's own attempts, which fill its accept queue and stay pending beyond it. */
    private final Set<Integer> ownPorts = new HashSet<>();

    /**
     * Opens the listener and fills its accept queue; checks that a connect no longer succeeds.
     *
     * @throws IOException when the listener cannot be opened
     */
    public SilentListener() throws IOException {
        socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        for (int i = 0; i < 4; i++) {
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)); // its port known before it connects
            channel.connect(address());
            queued.add(channel);
            ownPorts.add(((InetSocketAddress) channel.getLocalAddress()).getPort());
        }
        try (Socket probe = new Socket()) {
            assertThatThrownBy(() -> probe.connect(address(), 500)).as("the address no longer answers a connect")
                    .isInstanceOf(SocketTimeoutException.class);
        }
    }

    /** @return the listener's address */
    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** @return {@code http://HOST:PORT} of the listener's loopback address */
    public String url() {
        String host = address().getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address().getPort();
    }

    /**
     * The local ports of this machine's connection attempts to the listener still waiting for an answer (state
     * {@code SYN_SENT} in Linux's {@code /proc/net/tcp} and {@code tcp6}), but for the listener's own: attempts
     * nobody ended.
     *
     * @return the ports, empty where there is no {@code /proc}
     */
    public Set<Integer> pendingAttempts() {
        Set<Integer> ports = new HashSet<>();
        String remotePort = String.format(Locale.ROOT, ":%04X", address().getPort());
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.isReadable(file)) {
                continue;
            }
            try {
                List<String> lines = Files.readAllLines(file);
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    int localPort = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                    if (f[2].endsWith(remotePort) && f[3].equals("02") && !ownPorts.contains(localPort)) {
                        ports.add(localPort);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ports;
    }

    @Override
    public void close() throws IOException {
        for (SocketChannel channel : queued) {
            channel.close();
        }
        socket.close();
    }
}

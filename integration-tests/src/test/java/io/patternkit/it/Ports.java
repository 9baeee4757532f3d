package io.patternkit.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports, for sidecars that must come back on the same address after a kill.
 *
 * <p>On Linux the port is taken below the kernel's ephemeral range ({@code net.ipv4.ip_local_port_range}): a port
 * from that range, free when the test picked it, can be handed to any outgoing connection on the machine (the app
 * reconnecting to the killed sidecar, a JDBC pool) while the sidecar's JVM starts again, and the restart then fails
 * with "Address already in use". Below the range only an explicit bind can take it.
 */
final class Ports {
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int LOWEST = 10_000;
    private static final int TRIES = 200;

    private Ports() {
    }

    static int free() {
        int ephemeralStart = ephemeralStart();
        if (ephemeralStart > LOWEST + TRIES) {
            for (int i = 0; i < TRIES; i++) {
                int port = ThreadLocalRandom.current().nextInt(LOWEST, ephemeralStart);
                if (bindable(port)) {
                    return port;
                }
            }
        }
        return anyFree();
    }

    /** The first port of the kernel's ephemeral range, or 0 where it cannot be read (not Linux). */
    private static int ephemeralStart() {
        try {
            return Integer.parseInt(Files.readString(EPHEMERAL_RANGE).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort() == port;
        } catch (IOException e) {
            return false;
        }
    }

    private static int anyFree() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

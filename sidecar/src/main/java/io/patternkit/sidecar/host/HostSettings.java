package io.patternkit.sidecar.host;

import java.time.Duration;
import java.util.Optional;

/**
 * What the host is configured with, whatever patterns it serves. Immutable.
 *
 * @param bind the address to listen on, such as {@code 127.0.0.1}
 * @param port the port, 0 for an ephemeral one
 * @param token the API token, or empty for no authentication; never logged
 * @param maxBodyBytes the largest request body, in bytes
 * @param drainTimeout the longest drain on SIGTERM: the patterns' own work, then in-flight requests
 */
public record HostSettings(String bind, int port, Optional<String> token, long maxBodyBytes, Duration drainTimeout) {

    /** Hides the token from logs and exception messages. */
    @Override
    public String toString() {
        return "HostSettings[bind=" + bind + ", port=" + port + ", token=" + (token.isPresent() ? "***" : "none")
                + ", maxBodyBytes=" + maxBodyBytes + ", drainTimeout=" + drainTimeout + "]";
    }
}

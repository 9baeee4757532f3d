package io.patternkit.leader.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.function.Function;

/** The default candidate id of a process: {@code <pid>@<host>}, the host from {@code HOSTNAME} (a pod name). Internal. */
public final class CandidateIds {
    private CandidateIds() {
    }

    /**
     * @param environment the environment lookup
     * @return {@code <pid>@<host>}, with characters the wire does not allow replaced by {@code -}
     */
    public static String defaultId(Function<String, String> environment) {
        String host = environment.apply("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
        }
        String id = ProcessHandle.current().pid() + "@" + host.strip().toLowerCase(Locale.ROOT);
        id = id.replaceAll("[^A-Za-z0-9._:@-]", "-");
        return id.length() > 253 ? id.substring(0, 253) : id;
    }
}

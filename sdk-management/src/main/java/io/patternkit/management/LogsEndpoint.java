package io.patternkit.management;

import io.patternkit.protocol.ProblemType;
import java.util.List;
import java.util.Objects;
import org.slf4j.LoggerFactory;

/**
 * The upward API's logs, as the single-container management pattern names them: {@code GET /patternkit/logs}
 * answers the most recent log lines of this process from a ring buffer, and {@code /patternkit/loggers} shows
 * and changes loggers' levels at runtime, in the manner of Spring Boot Actuator's {@code loggers} endpoint.
 * <ul>
 *   <li>{@code GET /patternkit/logs?lines=100&level=WARN}: the newest {@code lines} (1 to the buffer's
 *       capacity, default 100) at or above {@code level} (default all), oldest first, each with its time,
 *       level, logger, thread, formatted message and, for a throwable, its class and message.</li>
 *   <li>{@code GET /patternkit/loggers}: every logger the backend knows, with its configured and effective
 *       level.</li>
 *   <li>{@code POST /patternkit/loggers} with {@code {"logger": "io.patternkit", "level": "DEBUG"}}: sets the
 *       level ({@code null} clears it, so the logger inherits again; the root logger cannot be cleared) and
 *       answers the logger's new state. The change is logged at INFO and lasts until the process exits.</li>
 * </ul>
 * Both need the server's token when it has one (log lines can hold what an application logs about its work).
 * Works with Logback, the SLF4J backend the ring buffer attaches to; with any other backend both paths answer
 * 501 {@code not-implemented} saying so. Bad input is a 400 problem; other methods 405.
 */
public final class LogsEndpoint {
    /** The recent lines' path. */
    public static final String LOGS_PATH = "/patternkit/logs";
    /** The loggers' path. */
    public static final String LOGGERS_PATH = "/patternkit/loggers";
    /** How many lines the ring buffer keeps by default. */
    public static final int DEFAULT_CAPACITY = 1_000;
    private static final String LOGBACK_CONTEXT = "ch.qos.logback.classic.LoggerContext";

    private LogsEndpoint() {
    }

    /**
     * {@link #mount(ManagementServer, int)} with {@link #DEFAULT_CAPACITY} lines.
     *
     * @param server the application's management server; not null
     * @return the mount; closing it unmounts both paths and detaches the ring buffer
     * @throws IllegalStateException when one of the paths is already mounted
     */
    public static ManagementServer.Mount mount(ManagementServer server) {
        return mount(server, DEFAULT_CAPACITY);
    }

    /**
     * Mounts both paths; with Logback as SLF4J's backend, attaches a ring buffer of {@code capacity} lines to its
     * root logger, which keeps what the loggers' levels let through from now on.
     *
     * @param server the application's management server; not null
     * @param capacity the most lines kept; 1 to 100,000
     * @return the mount; closing it unmounts both paths and detaches the ring buffer
     * @throws IllegalStateException when one of the paths is already mounted
     * @throws IllegalArgumentException when {@code capacity} is out of range
     */
    public static ManagementServer.Mount mount(ManagementServer server, int capacity) {
        Objects.requireNonNull(server, "server");
        if (capacity < 1 || capacity > 100_000) {
            throw new IllegalArgumentException("capacity must be 1 to 100000, got " + capacity);
        }
        String backend = LoggerFactory.getILoggerFactory().getClass().getName();
        if (!backend.equals(LOGBACK_CONTEXT)) {
            ManagementEndpoint unsupported = request -> ManagementResponse.problem(ProblemType.NOT_IMPLEMENTED,
                    "log lines and levels need Logback as SLF4J's backend (ch.qos.logback:logback-classic); this "
                            + "process logs through " + backend);
            List<ManagementServer.Mount> mounts = List.of(server.mount(LOGS_PATH, unsupported),
                    server.mount(LOGGERS_PATH, unsupported));
            return () -> mounts.forEach(ManagementServer.Mount::close);
        }
        return LogbackLogs.mount(server, capacity);
    }
}

package io.patternkit.sidecar.adapter.logs;

import java.util.Locale;
import java.util.Optional;

/**
 * The levels a normalised record carries, lowest first: SLF4J's five plus {@code FATAL}. The words
 * of other loggers map onto them (syslog's {@code warning}, {@code err}, {@code crit}; Java util
 * logging's {@code SEVERE}, {@code FINE}; Python's {@code CRITICAL}); a word none of them knows is
 * kept as written, upper-cased, and ranks nowhere.
 */
public enum LogLevel {
    /** Finest detail. */
    TRACE,
    /** Diagnostic detail. */
    DEBUG,
    /** Normal events. */
    INFO,
    /** Something unexpected that the app survived. */
    WARN,
    /** A failed operation. */
    ERROR,
    /** The app (or a part of it) cannot go on. */
    FATAL;

    /**
     * @param word a level as some logger writes it, or {@code null}
     * @return the level's normalised word, or {@code null} for none
     */
    public static String normalise(String word) {
        if (word == null || word.isBlank()) {
            return null;
        }
        String w = word.trim().toUpperCase(Locale.ROOT);
        return switch (w) {
            case "FINEST", "FINER", "TRC", "TRACE" -> "TRACE";
            case "FINE", "CONFIG", "DBG", "DEBUG" -> "DEBUG";
            case "INF", "INFORMATION", "NOTICE", "INFO" -> "INFO";
            case "WARNING", "WRN", "WARN" -> "WARN";
            case "ERR", "SEVERE", "ERROR" -> "ERROR";
            case "CRIT", "CRITICAL", "ALERT", "EMERG", "EMERGENCY", "PANIC", "FATAL" -> "FATAL";
            default -> w;
        };
    }

    /**
     * @param normalised a word {@link #normalise} gave, or {@code null}
     * @return its level, or empty when it is none of these
     */
    public static Optional<LogLevel> of(String normalised) {
        if (normalised == null) {
            return Optional.empty();
        }
        for (LogLevel level : values()) {
            if (level.name().equals(normalised)) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }
}

package io.patternkit.sidecar.adapter.logs;

import io.patternkit.protocol.NameRule;
import io.patternkit.protocol.ProblemType;
import io.patternkit.sidecar.common.JsonFields;
import io.patternkit.sidecar.common.ProblemException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The query parameters of {@code GET /v1/adapter/logs}, read strictly: a malformed one is a 400 naming it. */
public final class LogsQuery {
    /** The records answered when {@code lines} is not given. */
    public static final int DEFAULT_LINES = 100;

    private LogsQuery() {
    }

    /**
     * @param value {@code lines} as sent, or {@code null}
     * @return how many records at most, 1 to 100,000 (default {@value #DEFAULT_LINES})
     * @throws ProblemException {@code invalid-request} when it is not such a number
     */
    public static int lines(String value) {
        return JsonFields.queryInt("lines", value, DEFAULT_LINES, 1, 100_000);
    }

    /**
     * @param value {@code source} as sent, or {@code null}
     * @param known the configured sources
     * @return the source asked for, or empty for all
     * @throws ProblemException {@code invalid-request} when it is no source name at all (the rule of the configuration's
     *     names), {@code not-found} when no source has that name
     */
    public static Optional<String> source(String value, List<String> known) {
        if (value == null) {
            return Optional.empty();
        }
        if (!NameRule.UPSTREAM.matches(value)) {
            throw JsonFields.invalid("source", "must be " + NameRule.UPSTREAM.rule());
        }
        if (!known.contains(value)) {
            throw new ProblemException(ProblemType.NOT_FOUND, "no log source is named '" + value + "' (configured: "
                    + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
        }
        return Optional.of(value);
    }

    /**
     * @param value {@code level} as sent, or {@code null}
     * @return the lowest level answered, or empty for all
     * @throws ProblemException {@code invalid-request} when it is not a level, in upper or lower case
     */
    public static Optional<LogLevel> level(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String upper = value.toUpperCase(Locale.ROOT);
        boolean oneCase = value.equals(upper) || value.equals(value.toLowerCase(Locale.ROOT));
        return Arrays.stream(LogLevel.values()).filter(level -> oneCase && level.name().equals(upper)).findFirst()
                .or(() -> {
                    throw JsonFields.invalid("level", "must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL, in upper or "
                            + "lower case");
                });
    }
}

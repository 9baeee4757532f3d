package io.patternkit.sidecar.adapter.logs;

import io.patternkit.sidecar.common.JsonMappers;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.StringNode;

/**
 * The formats the adapter reads an app's log in, each turning one line (or, for {@link #TEXT}, one
 * multi-line record) into time, level, message and fields. The member names follow what the common
 * loggers write: time from {@code time}, {@code timestamp}, {@code @timestamp} or {@code ts} (ISO
 * 8601, or epoch seconds or milliseconds); level from {@code level}, {@code severity}, {@code lvl} or
 * {@code log.level}; message from {@code message}, {@code msg} or {@code log}.
 */
public enum LogFormat {
    /** One JSON object per line (Logback's and Log4j's JSON layouts, Bunyan, zap, logrus, ECS). */
    JSON,
    /** {@code key=value key2="quoted value"} pairs (Heroku's logfmt, Go's slog text handler, logrus' text). */
    LOGFMT,
    /**
     * The Apache/NGINX access log, combined or common: the request line is the message, the status
     * gives the level (5xx ERROR, 4xx WARN, else INFO), the rest are fields.
     */
    COMBINED,
    /**
     * Plain text as a pattern layout writes it: an optional leading ISO 8601 time, a level word among
     * the first words, and the lines that continue a record (a Java stack trace's exception line
     * such as {@code java.lang.IllegalStateException: boom}, its {@code at ...}, {@code Caused by:},
     * {@code Suppressed:}, {@code ... N more}, or a line starting with a tab) joined to it, as Fluent
     * Bit's {@code java} multiline parser joins them. A line that starts with spaces alone (a
     * right-aligned level such as Log4j's {@code %5p}) starts a record of its own.
     */
    TEXT;

    private static final JsonMapper MAPPER = JsonMappers.standard();
    private static final BigDecimal MILLIS_FROM = BigDecimal.valueOf(100_000_000_000L);
    private static final List<String> TIME_KEYS = List.of("time", "timestamp", "@timestamp", "ts");
    private static final List<String> LEVEL_KEYS = List.of("level", "severity", "lvl", "log.level");
    private static final List<String> MESSAGE_KEYS = List.of("message", "msg", "log");
    private static final Pattern ACCESS = Pattern.compile(
            "^(\\S+) (\\S+) (\\S+) \\[([^\\]]+)] \"((?:[^\"\\\\]|\\\\.)*)\" (\\d{3}) (\\d+|-)(?: \"((?:[^\"\\\\]|\\\\.)*)\" \"((?:[^\"\\\\]|\\\\.)*)\")?.*$");
    private static final DateTimeFormatter ACCESS_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
    private static final Pattern LEADING_TIME = Pattern.compile(
            "^(\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?(Z|[+-]\\d{2}:?\\d{2})?)\\s*(.*)$", Pattern.DOTALL);
    private static final Pattern LEVEL_WORD = Pattern.compile(
            "\\b(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|SEVERE|CRITICAL)\\b");
    private static final Pattern CONTINUATION = Pattern.compile("^(\\t|\\s+at |\\s*\\.\\.\\. \\d+ (more|common frames omitted)"
            + "|\\s*Caused by: |\\s*Suppressed: |([a-zA-Z_$][\\w$]*\\.)+[\\w$]*(Exception|Error|Throwable)(: |$))");

    /**
     * What a record read as.
     *
     * @param time the time it carries, or {@code null}
     * @param level its normalised level, or {@code null}
     * @param message its message
     * @param fields its other members
     * @param error why it did not read in the format (then the message is the whole text), or {@code null}
     */
    record Parsed(Instant time, String level, String message, Map<String, JsonNode> fields, String error) {
        static Parsed unread(String text, String error) {
            return new Parsed(null, null, text, Map.of(), error);
        }
    }

    /**
     * @param line a line this format writes (for {@link #TEXT}, possibly one record of several lines)
     * @return what it says; a line that does not read keeps its whole text as the message and says why
     */
    Parsed parse(String line) {
        try {
            return switch (this) {
                case JSON -> json(line);
                case LOGFMT -> logfmt(line);
                case COMBINED -> combined(line);
                case TEXT -> text(line);
            };
        } catch (RuntimeException e) { // a value out of every range (a 30-digit byte count, 1e400 seconds): kept whole
            return Parsed.unread(line, "not readable as " + name().toLowerCase(Locale.ROOT) + ": " + e.getClass().getSimpleName());
        }
    }

    /**
     * @param line a line of a {@link #TEXT} log
     * @return whether it continues the record before it instead of starting one
     */
    boolean continues(String line) {
        return this == TEXT && CONTINUATION.matcher(line).lookingAt();
    }

    private static Parsed json(String line) {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JacksonException e) {
            return Parsed.unread(line, "not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            return Parsed.unread(line, "not a JSON object");
        }
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        node.properties().forEach(e -> fields.put(e.getKey(), e.getValue()));
        return known(fields, line);
    }

    private static Parsed logfmt(String line) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && line.charAt(i) == ' ') {
                i++;
            }
            int keyStart = i;
            while (i < n && line.charAt(i) > ' ' && line.charAt(i) != '=' && line.charAt(i) != '"') {
                i++;
            }
            if (i == keyStart) {
                if (i < n) {
                    return Parsed.unread(line, "logfmt: expected a key at column " + (i + 1));
                }
                break;
            }
            String key = line.substring(keyStart, i);
            if (i >= n || line.charAt(i) != '=') {
                fields.put(key, JsonNodeFactory.instance.booleanNode(true)); // a bare key is a flag
                continue;
            }
            i++;
            StringBuilder value = new StringBuilder();
            if (i < n && line.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = line.charAt(i++);
                    if (c == '\\' && i < n) {
                        char next = line.charAt(i++);
                        value.append(switch (next) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            case 'r' -> '\r';
                            default -> next;
                        });
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        value.append(c);
                    }
                }
                if (!closed) {
                    return Parsed.unread(line, "logfmt: the value of " + key + " has no closing quote");
                }
            } else {
                while (i < n && line.charAt(i) != ' ') {
                    value.append(line.charAt(i++));
                }
            }
            fields.put(key, StringNode.valueOf(value.toString()));
        }
        if (fields.isEmpty()) {
            return Parsed.unread(line, "logfmt: no key=value pair");
        }
        return known(fields, line);
    }

    private static Parsed combined(String line) {
        Matcher m = ACCESS.matcher(line);
        if (!m.matches()) {
            return Parsed.unread(line, "not a combined or common access log line");
        }
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        fields.put("remote", StringNode.valueOf(m.group(1)));
        if (!m.group(3).equals("-")) {
            fields.put("user", StringNode.valueOf(m.group(3)));
        }
        String request = m.group(5);
        String[] parts = request.split(" ", 3);
        if (parts.length == 3) {
            fields.put("method", StringNode.valueOf(parts[0]));
            fields.put("path", StringNode.valueOf(parts[1]));
            fields.put("protocol", StringNode.valueOf(parts[2]));
        }
        int status = Integer.parseInt(m.group(6));
        fields.put("status", JsonNodeFactory.instance.numberNode(status));
        if (!m.group(7).equals("-")) {
            fields.put("bytes", JsonNodeFactory.instance.numberNode(Long.parseLong(m.group(7))));
        }
        if (m.group(8) != null && !m.group(8).equals("-")) {
            fields.put("referer", StringNode.valueOf(m.group(8)));
        }
        if (m.group(9) != null && !m.group(9).equals("-")) {
            fields.put("userAgent", StringNode.valueOf(m.group(9)));
        }
        Instant time;
        try {
            time = OffsetDateTime.parse(m.group(4), ACCESS_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return Parsed.unread(line, "access log time '" + m.group(4) + "' is not dd/MMM/yyyy:HH:mm:ss Z");
        }
        String level = status >= 500 ? "ERROR" : status >= 400 ? "WARN" : "INFO";
        return new Parsed(time, level, request, fields, null);
    }

    private static Parsed text(String record) {
        Matcher m = LEADING_TIME.matcher(record);
        Instant time = null;
        String rest = record;
        if (m.matches()) {
            time = isoTime(m.group(1));
            if (time != null) {
                rest = m.group(3);
            }
        }
        int firstLineEnd = rest.indexOf('\n');
        String head = firstLineEnd < 0 ? rest : rest.substring(0, firstLineEnd);
        Matcher level = LEVEL_WORD.matcher(head.length() > 120 ? head.substring(0, 120) : head);
        return new Parsed(time, level.find() ? LogLevel.normalise(level.group(1)) : null, rest, Map.of(), null);
    }

    /** Takes time, level and message out of a record's members, leaving the rest as fields. */
    private static Parsed known(Map<String, JsonNode> fields, String line) {
        Instant time = null;
        for (String key : TIME_KEYS) {
            JsonNode value = fields.get(key);
            if (value != null) {
                time = value.isNumber() ? epoch(value.decimalValue()) : value.isString() ? isoTime(value.asString()) : null;
                if (time != null) {
                    fields.remove(key);
                    break;
                }
            }
        }
        String level = null;
        for (String key : LEVEL_KEYS) {
            JsonNode value = fields.get(key);
            if (value != null && value.isValueNode() && !value.isNull()) {
                level = LogLevel.normalise(value.asString());
                fields.remove(key);
                break;
            }
        }
        String message = null;
        for (String key : MESSAGE_KEYS) {
            JsonNode value = fields.get(key);
            if (value != null && value.isString()) {
                message = value.asString();
                fields.remove(key);
                break;
            }
        }
        return new Parsed(time, level, message == null ? "" : message, fields, null);
    }

    private static Instant isoTime(String text) {
        String t = text.replace(',', '.');
        try {
            return OffsetDateTime.parse(t.replace(' ', 'T')).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(t.replace(' ', 'T').replaceAll("([+-]\\d{2})(\\d{2})$", "$1:$2")).toInstant();
            } catch (DateTimeParseException e2) {
                try {
                    return LocalDateTime.parse(t.replace(' ', 'T')).toInstant(ZoneOffset.UTC); // no zone: UTC, as containers run
                } catch (DateTimeParseException e3) {
                    return null;
                }
            }
        }
    }

    /** Epoch seconds, or milliseconds when it is too large to be seconds (from 10^11, the year 5138, on). */
    private static Instant epoch(BigDecimal value) {
        BigDecimal seconds = value.abs().compareTo(MILLIS_FROM) >= 0 ? value.movePointLeft(3) : value;
        try {
            long whole = seconds.setScale(0, RoundingMode.FLOOR).longValueExact();
            long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).setScale(0, RoundingMode.DOWN).longValueExact();
            return Instant.ofEpochSecond(whole, nanos);
        } catch (ArithmeticException | DateTimeException e) {
            return null;
        }
    }
}

package io.patternkit.management;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import io.patternkit.core.internal.Json;
import io.patternkit.protocol.ProblemType;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/** {@link LogsEndpoint} on Logback: the ring buffer appender and the two endpoints. Loaded only when Logback is the backend. */
final class LogbackLogs {
    private static final org.slf4j.Logger log = LoggerFactory.getLogger(LogsEndpoint.class);
    private static final int DEFAULT_LINES = 100;
    private static final int MAX_LINES = 100_000;
    private static final Pattern LOGGER_NAME = Pattern.compile("[A-Za-z0-9_$.-]{1,256}");
    private static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    private final LoggerContext context;
    private final RingBuffer buffer;

    private LogbackLogs(LoggerContext context, RingBuffer buffer) {
        this.context = context;
        this.buffer = buffer;
    }

    static ManagementServer.Mount mount(ManagementServer server, int capacity) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        RingBuffer buffer = new RingBuffer(capacity);
        buffer.setContext(context);
        buffer.setName("patternkit-recent-logs");
        buffer.start();
        LogbackLogs logs = new LogbackLogs(context, buffer);
        ManagementServer.Mount lines = server.mount(LogsEndpoint.LOGS_PATH, logs::lines);
        ManagementServer.Mount loggers;
        try {
            loggers = server.mount(LogsEndpoint.LOGGERS_PATH, logs::loggers);
        } catch (RuntimeException e) {
            lines.close();
            throw e;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(buffer);
        return () -> {
            lines.close();
            loggers.close();
            root.detachAppender(buffer);
            buffer.stop();
        };
    }

    private ManagementResponse lines(ManagementRequest request) {
        Optional<ManagementResponse> refused = Requests.onlyGet(request);
        if (refused.isPresent()) {
            return refused.get();
        }
        int lines;
        Level threshold;
        try {
            lines = request.query("lines").map(LogbackLogs::parseLines).orElse(DEFAULT_LINES);
            threshold = request.query("level").map(LogbackLogs::parseLevel).orElse(Level.TRACE);
        } catch (IllegalArgumentException e) {
            return Requests.invalid(e.getMessage());
        }
        return ManagementResponse.jsonOf(200, Map.of("capacity", buffer.capacity, "lines", buffer.newest(lines, threshold)));
    }

    private ManagementResponse loggers(ManagementRequest request) {
        if (request.method().equals("GET")) {
            Map<String, Object> loggers = new LinkedHashMap<>();
            for (Logger logger : context.getLoggerList()) {
                loggers.put(logger.getName(), state(logger));
            }
            return ManagementResponse.jsonOf(200, Map.of("levels", LEVELS, "loggers", loggers));
        }
        if (!request.method().equals("POST")) {
            return ManagementResponse.problem(ProblemType.METHOD_NOT_ALLOWED, "use GET or POST")
                    .withHeader("Allow", "GET, POST");
        }
        String name;
        Level level;
        try {
            JsonNode doc = body(request.body());
            name = loggerName(doc.get("logger"));
            level = levelOf(doc.get("level"));
            if (level == null && name.equals(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
                throw new IllegalArgumentException("the root logger's level cannot be cleared; give a level");
            }
        } catch (IllegalArgumentException e) {
            return Requests.invalid(e.getMessage());
        }
        Logger logger = context.getLogger(name);
        logger.setLevel(level);
        log.info("logger '{}' level set to {} through the management API", name, level == null ? "inherited" : level);
        return ManagementResponse.jsonOf(200, Map.of("logger", name, "state", state(logger)));
    }

    private static Map<String, Object> state(Logger logger) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("configuredLevel", logger.getLevel() == null ? null : logger.getLevel().toString());
        state.put("effectiveLevel", logger.getEffectiveLevel().toString());
        return state;
    }

    private static JsonNode body(byte[] body) {
        JsonNode doc;
        try {
            doc = Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("the body is not valid JSON");
        }
        if (doc == null || !doc.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object such as {\"logger\": \"io.patternkit\", \"level\": \"DEBUG\"}");
        }
        doc.fieldNames().forEachRemaining(member -> {
            if (!member.equals("logger") && !member.equals("level")) {
                throw new IllegalArgumentException("unknown member '" + member + "'; the body has logger and level");
            }
        });
        if (!doc.has("level")) {
            throw new IllegalArgumentException("level is required: one of " + LEVELS + ", or null to inherit");
        }
        return doc;
    }

    private static String loggerName(JsonNode node) {
        if (node == null || !node.isTextual() || !LOGGER_NAME.matcher(node.asText()).matches()) {
            throw new IllegalArgumentException("logger must be a logger's name such as io.patternkit or ROOT "
                    + "(letters, digits, '.', '_', '$', '-'; at most 256)");
        }
        return node.asText();
    }

    private static Level levelOf(JsonNode node) {
        if (node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new IllegalArgumentException("level must be one of " + LEVELS + ", or null to inherit");
        }
        return parseLevel(node.asText());
    }

    private static Level parseLevel(String text) {
        String upper = text.toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(upper)) {
            throw new IllegalArgumentException("level must be one of " + LEVELS + ", got '" + text + "'");
        }
        return Level.toLevel(upper);
    }

    private static int parseLines(String text) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= MAX_LINES) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException("lines must be an integer from 1 to " + MAX_LINES);
    }

    /** The appender: keeps the newest lines, each already reduced to what the endpoint answers. */
    static final class RingBuffer extends AppenderBase<ILoggingEvent> {
        private final int capacity;
        private final ArrayDeque<Line> lines;

        RingBuffer(int capacity) {
            this.capacity = capacity;
            this.lines = new ArrayDeque<>(capacity);
        }

        @Override
        protected void append(ILoggingEvent event) {
            IThrowableProxy thrown = event.getThrowableProxy();
            Line line = new Line(Instant.ofEpochMilli(event.getTimeStamp()).toString(), event.getLevel().toString(),
                    event.getLevel().toInt(), event.getLoggerName(), event.getThreadName(), event.getFormattedMessage(),
                    thrown == null ? null : thrown.getClassName()
                            + (thrown.getMessage() == null ? "" : ": " + thrown.getMessage()));
            synchronized (lines) {
                if (lines.size() == capacity) {
                    lines.removeFirst();
                }
                lines.addLast(line);
            }
        }

        List<Line> newest(int n, Level threshold) {
            List<Line> picked = new ArrayList<>();
            synchronized (lines) {
                var newestFirst = lines.descendingIterator();
                while (newestFirst.hasNext() && picked.size() < n) {
                    Line line = newestFirst.next();
                    if (line.levelValue >= threshold.toInt()) {
                        picked.add(line);
                    }
                }
            }
            Collections.reverse(picked);
            return picked;
        }
    }

    /**
     * One log line as answered.
     *
     * @param time when it was logged, ISO-8601 UTC
     * @param level its level
     * @param levelValue Logback's number for the level, for filtering; not written
     * @param logger the logger's name
     * @param thread the thread's name
     * @param message the formatted message
     * @param exception the throwable's class and message, or null
     */
    record Line(String time, String level, @JsonIgnore int levelValue, String logger,
            String thread, String message, String exception) {
    }
}

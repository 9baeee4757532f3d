package io.patternkit.sidecar;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.patternkit.sidecar.adapter.logs.LogsAdapter;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The sidecar's default Logback configuration, set up in code through Logback's {@link Configurator}
 * service (listed in {@code META-INF/services}) instead of a {@code logback.xml}, so that a sidecar
 * never loads Logback's XML configurator and the JDK's XML parser: about 400 classes, 3 to 4 MB of
 * a sidecar's idle memory (docs/benchmarks.md, the footprint section).
 *
 * <p>What it sets up: INFO and above on stdout with an ISO-8601 timestamp, level, thread and logger
 * (lifecycle lines only; payloads and secrets are never logged at INFO); the adapter's normalised
 * records of the app's logs ({@link LogsAdapter#OUTPUT_LOGGER}) on stdout as bare JSON lines;
 * HikariCP, Flyway and Netty at WARN.
 *
 * <p>A configuration of the user's wins, as Logback's own lookup order has it: when the system property
 * {@value ClassicConstants#CONFIG_FILE_PROPERTY} is set, or a {@code logback-test.xml} or
 * {@code logback.xml} is on the class path, this configurator steps aside and Logback reads that file.
 */
public final class SidecarLogging extends ContextAwareBase implements Configurator {
    static final String CONSOLE_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{20} - %msg%n";

    private final Function<String, String> properties;
    private final Predicate<String> onClassPath;

    /** Created by Logback's service loader: reads the system properties and this class's class path. */
    public SidecarLogging() {
        this(System::getProperty, resource -> SidecarLogging.class.getClassLoader().getResource(resource) != null);
    }

    /**
     * @param properties the system properties
     * @param onClassPath whether a resource of this name is on the class path
     */
    SidecarLogging(Function<String, String> properties, Predicate<String> onClassPath) {
        this.properties = properties;
        this.onClassPath = onClassPath;
    }

    /**
     * Configures {@code context} unless the user has a configuration file.
     *
     * @param context the logger context Logback is initialising, not null
     * @return {@link ExecutionStatus#DO_NOT_INVOKE_NEXT_IF_ANY} once configured;
     *         {@link ExecutionStatus#INVOKE_NEXT_IF_ANY} when a file of the user's is to be read instead
     */
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (properties.apply(ClassicConstants.CONFIG_FILE_PROPERTY) != null || onClassPath.test(ClassicConstants.TEST_AUTOCONFIG_FILE)
                || onClassPath.test(ClassicConstants.AUTOCONFIG_FILE)) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console(context, "STDOUT", CONSOLE_PATTERN));
        Logger adapted = context.getLogger(LogsAdapter.OUTPUT_LOGGER);
        adapted.setLevel(Level.INFO);
        adapted.setAdditive(false);
        adapted.addAppender(console(context, "ADAPTED", "%msg%n"));
        for (String quiet : new String[] {"com.zaxxer.hikari", "org.flywaydb", "io.netty"}) {
            context.getLogger(quiet).setLevel(Level.WARN);
        }
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static ConsoleAppender<ILoggingEvent> console(LoggerContext context, String name, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(name);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }
}

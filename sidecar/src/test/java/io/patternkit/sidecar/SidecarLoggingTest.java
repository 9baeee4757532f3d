package io.patternkit.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import io.patternkit.sidecar.adapter.logs.LogsAdapter;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SidecarLoggingTest {
    private final LoggerContext context = new LoggerContext();

    @Test
    void withoutAFileOfTheUsersItConfiguresTheSidecarsConsoleAndLevels() {
        ExecutionStatus status = new SidecarLogging(Map.<String, String>of()::get, resource -> false).configure(context);

        assertThat(status).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(pattern(root, "STDOUT")).isEqualTo(SidecarLogging.CONSOLE_PATTERN);
        Logger adapted = context.getLogger(LogsAdapter.OUTPUT_LOGGER);
        assertThat(adapted.isAdditive()).isFalse();
        assertThat(adapted.getEffectiveLevel()).isEqualTo(Level.INFO);
        assertThat(pattern(adapted, "ADAPTED")).isEqualTo("%msg%n");
        assertThat(context.getLogger("com.zaxxer.hikari.pool.HikariPool").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("org.flywaydb.core.Flyway").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.netty.channel.DefaultChannelPipeline").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.patternkit.sidecar.host.SidecarHost").getEffectiveLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void aConfigurationFileNamedByTheSystemPropertyWins() {
        ExecutionStatus status = new SidecarLogging(Map.of("logback.configurationFile", "/etc/patternkit/logback.xml")::get, resource -> false)
                .configure(context);

        assertThat(status).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
    }

    @Test
    void aLogbackFileOnTheClassPathWins() {
        for (String file : Set.of("logback.xml", "logback-test.xml")) {
            LoggerContext fresh = new LoggerContext();
            ExecutionStatus status = new SidecarLogging(Map.<String, String>of()::get, file::equals).configure(fresh);

            assertThat(status).as(file).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(fresh.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).as(file).isFalse();
        }
    }

    @Test
    void logbackFindsItAsAService() {
        assertThat(ServiceLoader.load(ch.qos.logback.classic.spi.Configurator.class).stream().map(ServiceLoader.Provider::type))
                .contains(SidecarLogging.class);
    }

    private static String pattern(Logger logger, String appenderName) {
        ConsoleAppender<ILoggingEvent> appender = (ConsoleAppender<ILoggingEvent>) logger.getAppender(appenderName);
        assertThat(appender).as(appenderName).isNotNull();
        assertThat(appender.isStarted()).isTrue();
        return ((PatternLayoutEncoder) appender.getEncoder()).getPattern();
    }
}

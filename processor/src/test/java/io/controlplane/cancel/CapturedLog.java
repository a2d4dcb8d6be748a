package io.controlplane.cancel;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Every line one logger writes, at every level, while open: for tests that check what is logged
 * (and what never is). The lines do not reach the console meanwhile.
 */
public final class CapturedLog implements AutoCloseable {

    /** A captured line: its level and its message with the arguments filled in. */
    public record Line(String level, String message) {}

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final String loggerName;
    private final LoggerContext context;
    private final AbstractAppender appender;

    private CapturedLog(String loggerName) {
        this.loggerName = loggerName;
        context = (LoggerContext) LogManager.getContext(false);
        appender = new AbstractAppender("captured-" + loggerName, null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(new Line(event.getLevel().name(), event.getMessage().getFormattedMessage()));
            }
        };
        appender.start();
        LoggerConfig config = new LoggerConfig(loggerName, Level.ALL, false);
        config.addAppender(appender, Level.ALL, null);
        context.getConfiguration().addLogger(loggerName, config);
        context.updateLoggers();
    }

    public static CapturedLog of(Class<?> logger) {
        return new CapturedLog(logger.getName());
    }

    /** @param loggerName a logger or a package: a package's loggers are all captured */
    public static CapturedLog of(String loggerName) {
        return new CapturedLog(loggerName);
    }

    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** All captured messages, one per line, for assertions on what appears anywhere in them. */
    public String text() {
        return String.join("\n", lines.stream().map(Line::message).toList());
    }

    @Override
    public void close() {
        Configuration configuration = context.getConfiguration();
        configuration.removeLogger(loggerName);
        context.updateLoggers();
        appender.stop();
    }
}

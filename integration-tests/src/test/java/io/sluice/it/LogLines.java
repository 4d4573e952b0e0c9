package io.sluice.it;

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
 * What one logger of the jobs running in this JVM (the local stack's MiniCluster) says at INFO and
 * above, with the time each line was logged: for a test to see a decision the jobs only log.
 */
final class LogLines implements AutoCloseable {

    record Line(long atMillis, String message) {}

    private final String logger;
    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final AbstractAppender appender;

    private LogLines(String logger) {
        this.logger = logger;
        this.appender =
                new AbstractAppender("capture-" + logger, null, null, true, Property.EMPTY_ARRAY) {
                    @Override
                    public void append(LogEvent event) {
                        lines.add(
                                new Line(
                                        event.getTimeMillis(),
                                        event.getMessage().getFormattedMessage()));
                    }
                };
    }

    static LogLines of(Class<?> logger) {
        LogLines l = new LogLines(logger.getName());
        l.appender.start();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        config.addAppender(l.appender);
        LoggerConfig own = new LoggerConfig(l.logger, Level.INFO, true);
        own.addAppender(l.appender, Level.INFO, null);
        config.addLogger(l.logger, own);
        ctx.updateLoggers();
        return l;
    }

    List<Line> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.getConfiguration().removeLogger(logger);
        ctx.updateLoggers();
        appender.stop();
    }
}

package dev.offload.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Records what the whole process logs at warning level and above, while open: for tests that a
 * client cannot make the server log what only a bug should.
 */
public final class LogCapture implements AutoCloseable {

  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public LogCapture() {
    appender.start();
    root.addAppender(appender);
  }

  /** The warnings and errors so far, each as "LEVEL logger: message". */
  public List<String> warnings() {
    return warningEvents().stream().map(LogCapture::describe).toList();
  }

  /** The warnings and errors so far, with their exceptions' stacks. */
  public List<ILoggingEvent> warningEvents() {
    // AppenderBase appends while holding its own lock.
    synchronized (appender) {
      return appender.list.stream()
          .filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
          .toList();
    }
  }

  /** An event as "LEVEL logger: message". */
  public static String describe(ILoggingEvent event) {
    return event.getLevel() + " " + event.getLoggerName() + ": " + event.getFormattedMessage();
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}

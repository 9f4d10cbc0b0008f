package dev.offload.fuzz;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import dev.offload.testing.LogCapture;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The warnings of Vert.x's blocked-thread checker, as the log has them: each carries the blocked
 * thread's stack ({@code node.max_event_loop_block} makes every warning carry it), which says what
 * held the event loop, and whether that is a block already found and reported ({@link Known}).
 */
final class Blocks {

  private static final String CHECKER = "io.vertx.core.impl.BlockedThreadChecker";

  /** Frames shown per warning in a failure's message. */
  private static final int SHOWN_FRAMES = 8;

  private Blocks() {}

  /**
   * Event-loop blocks the fuzz suite found and reported, not fixed yet because their code is being
   * changed elsewhere: a warning whose stack passes through one of these frames makes its case
   * skipped, with the finding, rather than failed. Delete an entry once its fix has landed, so that
   * the suite holds the code to 50 ms again.
   */
  enum Known {
    ;

    private final Pattern frame;
    private final String finding;

    Known(String frame, String finding) {
      this.frame = Pattern.compile(frame);
      this.finding = finding;
    }

    String finding() {
      return name() + ": " + finding;
    }
  }

  static boolean isBlock(ILoggingEvent event) {
    return CHECKER.equals(event.getLoggerName());
  }

  /** The known block this warning shows, if it is one. */
  static Optional<Known> known(ILoggingEvent event) {
    List<String> frames = frames(event);
    for (Known known : Known.values()) {
      if (frames.stream().anyMatch(frame -> known.frame.matcher(frame).matches())) {
        return Optional.of(known);
      }
    }
    return Optional.empty();
  }

  /** The warning, and the top of the blocked thread's stack. */
  static String describe(ILoggingEvent event) {
    List<String> frames = frames(event);
    return LogCapture.describe(event)
        + (frames.isEmpty()
            ? ""
            : frames.stream()
                .limit(SHOWN_FRAMES)
                .collect(Collectors.joining("\n    at ", "\n    at ", "")));
  }

  static String describe(List<ILoggingEvent> events) {
    return events.stream().map(Blocks::describe).collect(Collectors.joining("\n"));
  }

  /** The blocked thread's stack as {@code class.method} frames, innermost first. */
  private static List<String> frames(ILoggingEvent event) {
    List<String> frames = new ArrayList<>();
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      for (StackTraceElementProxy frame : thrown.getStackTraceElementProxyArray()) {
        StackTraceElement element = frame.getStackTraceElement();
        frames.add(element.getClassName() + "." + element.getMethodName());
      }
    }
    return frames;
  }
}

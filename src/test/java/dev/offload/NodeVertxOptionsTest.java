package dev.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import dev.offload.config.ConfigLoader;
import dev.offload.config.NodeConfig;
import dev.offload.testing.Eventually;
import dev.offload.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code node.max_event_loop_block} arms Vert.x's blocked-thread checker: the fuzz suite runs its
 * node at 50 ms, and relies on a longer hold being logged, with the stack that says where.
 */
class NodeVertxOptionsTest {

  private static NodeConfig node(String maxBlock) {
    return ConfigLoader.load(
            Optional.empty(), Map.of("OFFLOAD_NODE_MAX_EVENT_LOOP_BLOCK", maxBlock))
        .node();
  }

  @Test
  void the_checker_looks_every_fifth_of_the_limit_and_at_most_every_second() {
    VertxOptions fifty = NodeVertxOptions.of(node("50ms"));
    assertEquals(
        50, fifty.getMaxEventLoopExecuteTimeUnit().toMillis(fifty.getMaxEventLoopExecuteTime()));
    assertEquals(
        10,
        fifty.getBlockedThreadCheckIntervalUnit().toMillis(fifty.getBlockedThreadCheckInterval()));
    VertxOptions minute = NodeVertxOptions.of(node("1m"));
    assertEquals(
        1_000,
        minute
            .getBlockedThreadCheckIntervalUnit()
            .toMillis(minute.getBlockedThreadCheckInterval()));
  }

  @Test
  void an_event_loop_held_past_the_limit_is_logged_with_the_stack_that_holds_it() throws Exception {
    Vertx vertx = Vertx.vertx(NodeVertxOptions.of(node("50ms")));
    try (LogCapture log = new LogCapture()) {
      vertx.runOnContext(ignored -> holdTheEventLoop());
      Eventually.isTrue("a blocked-thread warning", () -> !log.warningEvents().isEmpty());
      ILoggingEvent warning = log.warningEvents().get(0);
      assertTrue(
          warning.getFormattedMessage().contains("time limit is 50 ms"),
          warning.getFormattedMessage());
      assertTrue(
          Arrays.stream(warning.getThrowableProxy().getStackTraceElementProxyArray())
              .map(StackTraceElementProxy::getStackTraceElement)
              .anyMatch(frame -> frame.getMethodName().equals("holdTheEventLoop")),
          "the warning carries the blocked thread's stack");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static void holdTheEventLoop() {
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.offload.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.Eventually;
import dev.offload.testing.OffloadNodeExtension;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The LISTEN connection when the server ends it, as PostgreSQL does to every connection when it
 * shuts down.
 */
class ChannelListenerTest {

  /** Logback's lines, as logback.xml writes them: date and time first. */
  private static final String LOG_LINE = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3} .*";

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  private Vertx vertx;
  private ChannelListener listener;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    if (listener != null) {
      listener.close().await();
    }
    vertx.close().await();
  }

  @Test
  void a_connection_the_server_terminates_is_logged_as_an_outage_on_one_timestamped_line()
      throws Exception {
    String channel = "listener_test_" + offload.database().schema();
    AtomicInteger subscriptions = new AtomicInteger();
    listener =
        new ChannelListener(vertx, offload.database().config(), "the test channel")
            .on(channel, payload -> {})
            .onSubscribed(subscriptions::incrementAndGet);
    listener.start();
    Eventually.isTrue("subscribed", () -> subscriptions.get() == 1);

    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      long terminated =
          offload
              .database()
              .sql(
                  vertx,
                  "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                      + " WHERE query LIKE 'LISTEN %' AND strpos(query, $1) > 0",
                  channel)
              .size();
      assertEquals(1, terminated, "LISTEN connections terminated");
      // The server's error reaches the connection before it closes; the listener resubscribes after
      // that.
      Eventually.isTrue("subscribed again", () -> subscriptions.get() == 2);
    } finally {
      System.setErr(stderr);
    }

    List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
    assertTrue(
        lines.stream().allMatch(line -> line.matches(LOG_LINE)), "not a log line among: " + lines);
    assertTrue(
        lines.stream()
            .anyMatch(
                line ->
                    line.contains(
                        "listening for the test channel: database unavailable"
                            + " (FATAL: terminating connection due to administrator command (57P01)); retrying")),
        lines.toString());
  }
}

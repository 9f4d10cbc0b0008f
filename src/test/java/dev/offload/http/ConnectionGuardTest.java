package dev.offload.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.Eventually;
import dev.offload.testing.LogCapture;
import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.RawHttp;
import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Clients that are slow on purpose, hold many connections, or send broken framing: they are cut
 * off, told why where they can still hear it, and cannot fill the log.
 */
class ConnectionGuardTest {

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  private static final String HEALTH = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
  private static final String SUBMIT_HEAD =
      "POST /tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";

  private static final Duration WAIT = Duration.ofSeconds(10);

  private static int start(Map<String, String> env) throws InterruptedException {
    return offload.start(env).httpPort();
  }

  @Test
  void a_connection_that_sends_nothing_is_closed_after_the_header_timeout() throws Exception {
    int port = start(Map.of("OFFLOAD_HTTP_HEADER_TIMEOUT", "300ms"));
    try (RawHttp silent = RawHttp.connect(port)) {
      long started = System.nanoTime();
      assertEquals("", silent.readUntilClosed());
      assertTrue(elapsedMs(started) < 5_000, "closed after " + elapsedMs(started) + " ms");
    }
  }

  @Test
  void headers_sent_a_line_at_a_time_are_cut_off_at_the_header_timeout() throws Exception {
    int port = start(Map.of("OFFLOAD_HTTP_HEADER_TIMEOUT", "500ms"));
    try (RawHttp slow = RawHttp.connect(port)) {
      slow.send("GET /health HTTP/1.1\r\nHost: x\r\n");
      // Each line keeps the connection busy, which an idle timeout alone would allow forever.
      assertTrue(
          trickleUntilClosed(slow, "X-Slow: 1\r\n", 200), "still open after 20 s of header lines");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "Content-Length: 100\r\n\r\n{\"kind\":",
        "Transfer-Encoding: chunked\r\n\r\n8\r\n{\"kind\":\r\n"
      })
  void a_body_that_stops_arriving_gets_408_and_the_connection_is_closed(String rest)
      throws Exception {
    int port = start(Map.of("OFFLOAD_HTTP_BODY_TIMEOUT", "1s"));
    try (RawHttp partial = RawHttp.connect(port)) {
      String answer = partial.send(SUBMIT_HEAD + rest).readUntilClosed();
      assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
      assertTrue(answer.contains("\"code\":\"request_timeout\""), answer);
    }
    assertEquals(0, offload.countTasks("true"));
  }

  @Test
  void a_body_sent_a_byte_at_a_time_is_cut_off_at_the_body_timeout() throws Exception {
    int port = start(Map.of("OFFLOAD_HTTP_BODY_TIMEOUT", "1s"));
    try (RawHttp slow = RawHttp.connect(port)) {
      slow.send(SUBMIT_HEAD + "Content-Length: 100000\r\n\r\n");
      assertTrue(trickleUntilClosed(slow, " ", 200), "still open after 20 s of body");
    }
  }

  @Test
  void an_idle_keep_alive_connection_is_closed_after_the_keep_alive_timeout() throws Exception {
    int port = start(Map.of("OFFLOAD_HTTP_KEEP_ALIVE_TIMEOUT", "300ms"));
    try (RawHttp idle = RawHttp.connect(port)) {
      long started = System.nanoTime();
      String answer = idle.send(HEALTH).readUntilClosed();
      assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
      // The defaults (header timeout 10 s, keep-alive 15 s) would take far longer.
      assertTrue(elapsedMs(started) < 5_000, "closed after " + elapsedMs(started) + " ms");
    }
  }

  @Test
  void a_client_past_its_connection_limit_is_refused_while_others_are_served() throws Exception {
    int port = start(Map.of("OFFLOAD_HTTP_MAX_CONNECTIONS_PER_CLIENT", "3"));
    List<RawHttp> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        held.add(openAndServed(port, "127.0.0.2"));
      }
      try (RawHttp fourth = RawHttp.connect(port, "127.0.0.2")) {
        assertRefused(fourth);
      }
      try (RawHttp other = RawHttp.connect(port, "127.0.0.3")) {
        assertTrue(other.send(HEALTH).readSome(12).startsWith("HTTP/1.1 200"));
      }
    } finally {
      closeAll(held);
    }
    // Its connections closed, the client is welcome again.
    Eventually.isTrue(
        "the client is served again",
        () -> {
          try (RawHttp again = RawHttp.connect(port, "127.0.0.2")) {
            return again.send(HEALTH).readSome(12).startsWith("HTTP/1.1 200");
          } catch (IOException refused) {
            return false;
          }
        });
  }

  @Test
  void a_full_node_still_answers_health_checks_and_refuses_the_rest_quickly() throws Exception {
    int port =
        start(Map.of("OFFLOAD_HTTP_MAX_CONNECTIONS", "3", "OFFLOAD_HTTP_HEALTH_CONNECTIONS", "2"));
    List<RawHttp> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        held.add(openAndServed(port, "127.0.0.1"));
      }
      try (RawHttp submit = RawHttp.connect(port)) {
        String answer =
            submit
                .send(SUBMIT_HEAD + "Content-Length: 15\r\n\r\n{\"kind\":\"noop\"}")
                .readUntilClosed();
        assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
        assertTrue(answer.toLowerCase().contains("retry-after: 1"), answer);
        assertTrue(answer.contains("\"code\":\"too_many_connections\""), answer);
      }
      // Both connections kept for health checks answer them (the refused submission's slot is
      // free once the server has seen its connection close).
      held.add(
          Eventually.value(
              "a health check answered", WAIT, () -> healthProbe(port), ok -> ok != null));
      held.add(
          Eventually.value(
              "a health check answered", WAIT, () -> healthProbe(port), ok -> ok != null));
      // Three served and two for health checks are open: the next is closed unanswered.
      try (RawHttp beyond = RawHttp.connect(port)) {
        assertRefused(beyond);
      }
    } finally {
      closeAll(held);
    }
    assertEquals(0, offload.countTasks("true"));
  }

  @Test
  void broken_chunked_framing_and_clients_gone_mid_body_log_no_warning() throws Exception {
    int port = start(Map.of());
    try (LogCapture log = new LogCapture()) {
      for (int i = 0; i < 3; i++) {
        try (RawHttp broken = RawHttp.connect(port)) {
          String answer =
              broken
                  .send(SUBMIT_HEAD + "Transfer-Encoding: chunked\r\n\r\nZZZ\r\n")
                  .readUntilClosed();
          assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 400"), answer);
        }
        try (RawHttp gone = RawHttp.connect(port)) {
          gone.send(SUBMIT_HEAD + "Content-Length: 1000\r\n\r\n{\"kind\":");
        }
      }
      // The node still serves, and has logged every failed request before this one is answered.
      try (RawHttp after = RawHttp.connect(port)) {
        assertTrue(after.send(HEALTH).readSome(12).startsWith("HTTP/1.1 200"));
      }
      assertEquals(List.of(), log.warnings());
    }
    assertEquals(0, offload.countTasks("true"));
  }

  /** A connection on which /health was answered, or null if it was refused. */
  private static RawHttp healthProbe(int port) {
    try {
      RawHttp connection = RawHttp.connect(port);
      if (connection.send(HEALTH).readSome(12).startsWith("HTTP/1.1 200")) {
        return connection;
      }
      connection.close();
      return null;
    } catch (IOException refused) {
      return null;
    }
  }

  /** Opens a connection and has one request answered on it, so the server has counted it. */
  private static RawHttp openAndServed(int port, String source) throws IOException {
    RawHttp connection = RawHttp.connect(port, source);
    String answer = connection.send(HEALTH).readSome(12);
    assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
    return connection;
  }

  private static void assertRefused(RawHttp connection) throws IOException {
    String answer;
    try {
      answer = connection.send(HEALTH).readUntilClosed();
    } catch (SocketException reset) {
      return;
    }
    assertEquals("", answer, "a refused connection is closed unanswered");
  }

  /**
   * Sends {@code piece} every 100 ms, at most {@code times}; whether the server closed the
   * connection meanwhile.
   */
  private static boolean trickleUntilClosed(RawHttp connection, String piece, int times)
      throws InterruptedException {
    for (int i = 0; i < times; i++) {
      try {
        connection.send(piece);
      } catch (IOException closed) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  private static long elapsedMs(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }

  private static void closeAll(List<RawHttp> connections) throws IOException {
    for (RawHttp connection : connections) {
      connection.close();
    }
  }
}

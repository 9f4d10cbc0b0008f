package dev.offload.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.EventStreamClient;
import dev.offload.testing.EventStreamClient.Event;
import dev.offload.testing.MutableClock;
import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Tasks;
import dev.offload.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The event streams across nodes: an API node streams the changes a worker node makes (its
 * dispatcher run one cycle at a time), a client that reconnects with Last-Event-ID is sent the
 * final state it missed, and a client that stops reading is dropped.
 */
class TaskEventsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  private TestNode apiNode() throws InterruptedException {
    return offload.start(Map.of("OFFLOAD_NODE_ID", "api-node", "OFFLOAD_ROLE", "api"));
  }

  /** A worker node whose dispatcher runs one cycle at a time, on {@code clock}. */
  private record Worker(TestNode node, MutableClock clock) {

    /** One cycle, its clock first moved past the submissions' times; how many it started. */
    int cycle() {
      clock.advance(Duration.ofMinutes(1));
      return node.cycle();
    }
  }

  private Worker workerNode() throws InterruptedException {
    MutableClock clock = MutableClock.atNow();
    return new Worker(offload.startManual(clock, Map.of("OFFLOAD_NODE_ID", "worker-node")), clock);
  }

  @Test
  void a_task_stream_follows_a_task_another_node_runs_from_available_to_completed()
      throws Exception {
    TestNode api = apiNode();
    Worker worker = workerNode();
    String id = api.submit(Tasks.async(200));

    try (EventStreamClient stream =
        EventStreamClient.open(api.vertx(), api.httpPort(), "/tasks/" + id + "/events", null)) {
      Event first = stream.next(WAIT);
      assertEquals("task", first.type());
      assertEquals(id, first.data().getString("id"));
      assertEquals("available", first.data().getString("state"));
      assertTrue(!first.data().containsKey("args"), "light fields only: " + first.data());

      assertEquals(1, worker.cycle());
      List<String> states = new ArrayList<>();
      JsonObject last = first.data();
      while (!List.of("completed", "cancelled", "discarded").contains(last.getString("state"))) {
        last = stream.next(WAIT).data();
        states.add(last.getString("state"));
      }
      assertEquals("completed", last.getString("state"), "states seen: " + states);
      assertEquals("worker-node", last.getString("attempted_by"));
      assertTrue(
          states.stream().allMatch(state -> List.of("running", "completed").contains(state)),
          "states seen: " + states);
      assertTrue(stream.endsWithin(WAIT), "the stream ends after the final state");
    }
  }

  @Test
  void a_client_that_reconnects_with_its_last_event_id_is_sent_the_final_state_it_missed()
      throws Exception {
    TestNode api = apiNode();
    Worker worker = workerNode();
    String path = "/events?queue=reconnect";
    Event seen;
    String id;
    try (EventStreamClient stream =
        EventStreamClient.open(api.vertx(), api.httpPort(), path, null)) {
      id = api.submit(Tasks.noop().queue("reconnect"));
      seen = stream.next(WAIT);
      assertEquals(id, seen.data().getString("id"));
      assertEquals("available", seen.data().getString("state"));
    } // the connection drops

    assertEquals(1, worker.cycle());
    api.await(id, Tasks.inState("completed"));

    try (EventStreamClient again =
        EventStreamClient.open(api.vertx(), api.httpPort(), path, seen.id())) {
      Event replayed = again.next(WAIT);
      assertEquals(id, replayed.data().getString("id"));
      assertEquals("completed", replayed.data().getString("state"));
      assertTrue(Long.parseLong(replayed.id()) > 0);
    }
  }

  @Test
  void a_stream_that_asks_for_another_task_is_a_404_before_any_event() throws Exception {
    TestNode api = apiNode();
    var response =
        api.client().get("/tasks/01a22fbe-1a78-7000-a72c-030f536283c2/events").send().await();
    assertEquals(404, response.statusCode());
    assertEquals(
        "task_not_found", response.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertEquals(
        400,
        api.client().get("/events").putHeader("last-event-id", "x").send().await().statusCode());
  }

  /**
   * 20,000 events of about 500 bytes are 10 MB, far more than the 256 KiB a stream may hold for its
   * client plus what the sockets buffer: a client that reads nothing meanwhile finds its connection
   * closed when it reads at last. Left open, the read would wait for the next keep-alive and then
   * time out.
   */
  @Test
  void a_client_that_stops_reading_is_disconnected_instead_of_buffered() throws Exception {
    TestNode api = apiNode();
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(4096);
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", api.httpPort()));
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          "GET /events?queue=flood HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String head = readUntil(in, "retry: 1000\n\n");
      assertTrue(head.startsWith("HTTP/1.1 200"), head);

      for (int i = 0; i < 20; i++) {
        api.submitBatch(1_000, Tasks.noop().queue("flood"));
      }

      long read = 0;
      byte[] buffer = new byte[64 * 1024];
      try {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          read += n;
        }
      } catch (SocketException reset) {
        // closed by a reset: dropped too
      } catch (SocketTimeoutException stillOpen) {
        throw new AssertionError("the stream stayed open after " + read + " bytes", stillOpen);
      }
      assertTrue(read < 8_000_000, "read " + read + " bytes before the stream closed");
    }
  }

  private static String readUntil(InputStream in, String end) throws IOException {
    StringBuilder text = new StringBuilder();
    while (!text.toString().endsWith(end)) {
      int c = in.read();
      if (c < 0) {
        throw new AssertionError("closed after " + text);
      }
      text.append((char) c);
    }
    return text.toString();
  }
}

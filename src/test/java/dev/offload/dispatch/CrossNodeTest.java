package dev.offload.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.Eventually;
import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Tasks;
import dev.offload.testing.TestNode;
import dev.offload.testing.Timing;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes in separate Vert.x instances share only the database: a task submitted to an API-only
 * node is started by the other node at once, woken by NOTIFY, long before its five-minute polling
 * fallback; and a cancel sent to the API node stops the attempt running on the other one, long
 * before a lease renewal; and a delayed task starts on time there. All three promise wall-clock
 * times.
 */
@Timing
class CrossNodeTest {

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  private TestNode apiNode;

  @BeforeEach
  void startTwoNodes() throws InterruptedException {
    apiNode = offload.start(Map.of("OFFLOAD_NODE_ID", "api-node", "OFFLOAD_ROLE", "api"));
    offload.start(Map.of("OFFLOAD_NODE_ID", "worker-node", "OFFLOAD_TASKS_POLL_INTERVAL", "5m"));
  }

  @Test
  void a_task_submitted_on_one_node_is_started_by_another_node_woken_by_notify() throws Exception {
    // Submitted before the worker node LISTENs, a task would be found by the claim that follows the
    // LISTEN.
    Eventually.isTrue(
        "the worker node listens", () -> offload.database().hasTaskListener(offload.vertx()));
    for (int i = 0; i < 5; i++) {
      String id = apiNode.submit(Tasks.noop());
      JsonObject done = apiNode.await(id, Duration.ofSeconds(5), Tasks.inState("completed"));
      assertEquals("worker-node", done.getString("attempted_by"));
      Duration waited =
          Duration.between(
              Instant.parse(done.getString("created_at")),
              Instant.parse(done.getString("attempted_at")));
      assertTrue(
          waited.compareTo(Duration.ofSeconds(1)) < 0, "started " + waited + " after submission");
    }
  }

  @Test
  void a_cancel_sent_to_one_node_stops_the_attempt_running_on_another_within_a_second()
      throws Exception {
    String id = apiNode.submit(Tasks.sleep(30));
    Eventually.isTrue(
        "running on the worker node", () -> "running".equals(apiNode.task(id).getString("state")));

    Instant requested = Instant.now();
    assertEquals(
        202,
        apiNode.client().post("/tasks/" + id + "/cancel").send().await().statusCode(),
        "cancel pending");

    JsonObject cancelled = apiNode.await(id, Duration.ofSeconds(5), Tasks.inState("cancelled"));
    assertEquals("worker-node", cancelled.getString("attempted_by"));
    Duration took = Duration.between(requested, Instant.parse(cancelled.getString("finalized_at")));
    assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "stopped after " + took);
  }

  @Test
  void delayed_tasks_submitted_on_one_node_start_on_another_within_100_ms_of_their_time()
      throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(apiNode.submit(Tasks.noop().delay((400 + 150 * i) + "ms")));
    }
    for (String id : ids) {
      JsonObject done = apiNode.await(id, Duration.ofSeconds(5), Tasks.inState("completed"));
      Duration late =
          Duration.between(
              Instant.parse(done.getString("scheduled_at")),
              Instant.parse(done.getString("attempted_at")));
      assertTrue(
          !late.isNegative() && late.compareTo(Duration.ofMillis(100)) < 0,
          "started " + late.toMillis() + " ms after its time");
    }
  }
}

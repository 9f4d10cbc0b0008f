package dev.offload.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.OffloadNode;
import dev.offload.testing.Eventually;
import dev.offload.testing.PgTestDatabase;
import dev.offload.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes in separate Vert.x instances share only the database: a task submitted to an API-only node is
 * started by the other node at once, woken by NOTIFY, long before its five-minute polling fallback; and a
 * cancel sent to the API node stops the attempt running on the other one, long before a lease renewal; and a
 * delayed task starts on time there.
 */
class CrossNodeTest {

  private PgTestDatabase db;
  private Vertx apiVertx;
  private Vertx workerVertx;
  private OffloadNode apiNode;
  private OffloadNode workerNode;
  private WebClient client;

  @BeforeEach
  void startTwoNodes() throws InterruptedException {
    db = PgTestDatabase.create(CrossNodeTest.class);
    apiVertx = Vertx.vertx();
    workerVertx = Vertx.vertx();
    apiNode = TestNodes.startReady(apiVertx, TestNodes.config(db, Map.of(
        "OFFLOAD_NODE_ID", "api-node", "OFFLOAD_ROLE", "api")), Clock.systemUTC());
    workerNode = TestNodes.startReady(workerVertx, TestNodes.config(db, Map.of(
        "OFFLOAD_NODE_ID", "worker-node", "OFFLOAD_TASKS_POLL_INTERVAL", "5m")), Clock.systemUTC());
    client = WebClient.create(apiVertx, new WebClientOptions().setDefaultPort(apiNode.httpPort()));
  }

  @AfterEach
  void stopNodes() {
    apiNode.stop().await();
    workerNode.stop().await();
    db.drop(apiVertx);
    apiVertx.close().await();
    workerVertx.close().await();
  }

  @Test
  void a_task_submitted_on_one_node_is_started_by_another_node_woken_by_notify() throws Exception {
    Thread.sleep(500); // let the worker node's first claims (at start and on LISTEN) pass
    for (int i = 0; i < 5; i++) {
      JsonObject submitted = client.post("/tasks").sendJsonObject(new JsonObject().put("kind", "noop"))
          .await().bodyAsJsonObject();
      String id = submitted.getString("id");
      JsonObject done = Eventually.value("task " + id + " completed", Duration.ofSeconds(5),
          () -> client.get("/tasks/" + id).send().await().bodyAsJsonObject(),
          task -> "completed".equals(task.getString("state")));
      assertEquals("worker-node", done.getString("attempted_by"));
      Duration waited = Duration.between(Instant.parse(done.getString("created_at")),
          Instant.parse(done.getString("attempted_at")));
      assertTrue(waited.compareTo(Duration.ofSeconds(1)) < 0, "started " + waited + " after submission");
    }
  }

  @Test
  void a_cancel_sent_to_one_node_stops_the_attempt_running_on_another_within_a_second() throws Exception {
    String id = client.post("/tasks").sendJsonObject(new JsonObject().put("kind", "sleep")
        .put("args", new JsonObject().put("seconds", 30))).await().bodyAsJsonObject().getString("id");
    Eventually.isTrue("running on the worker node",
        () -> "running".equals(client.get("/tasks/" + id).send().await().bodyAsJsonObject().getString("state")));

    Instant requested = Instant.now();
    assertEquals(202, client.post("/tasks/" + id + "/cancel").send().await().statusCode(), "cancel pending");

    JsonObject cancelled = Eventually.value("cancelled", Duration.ofSeconds(5),
        () -> client.get("/tasks/" + id).send().await().bodyAsJsonObject(),
        task -> "cancelled".equals(task.getString("state")));
    assertEquals("worker-node", cancelled.getString("attempted_by"));
    Duration took = Duration.between(requested, Instant.parse(cancelled.getString("finalized_at")));
    assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "stopped after " + took);
  }

  @Test
  void delayed_tasks_submitted_on_one_node_start_on_another_within_100_ms_of_their_time() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(client.post("/tasks").sendJsonObject(new JsonObject().put("kind", "noop")
          .put("delay", (400 + 150 * i) + "ms")).await().bodyAsJsonObject().getString("id"));
    }
    for (String id : ids) {
      JsonObject done = Eventually.value("task " + id + " completed", Duration.ofSeconds(5),
          () -> client.get("/tasks/" + id).send().await().bodyAsJsonObject(),
          task -> "completed".equals(task.getString("state")));
      Duration late = Duration.between(Instant.parse(done.getString("scheduled_at")),
          Instant.parse(done.getString("attempted_at")));
      assertTrue(!late.isNegative() && late.compareTo(Duration.ofMillis(100)) < 0,
          "started " + late.toMillis() + " ms after its time");
    }
  }
}

package dev.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.Eventually;
import dev.offload.testing.NodeProcess;
import dev.offload.testing.PgTestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Several node processes of the fat jar on one database, as in production: work is spread over
 * them, runs once per task while they are healthy, and survives a node killed or stopped
 * mid-attempt. Its own command: {@code mvn -B verify -Pscale-out}.
 */
@Tag("scale-out")
class ScaleOutIT {

  private static final Map<String, String> ALL =
      Map.of(
          "OFFLOAD_LEASE",
          "2s",
          "OFFLOAD_WORKER_INSTANCES",
          "4",
          "OFFLOAD_TASKS_POLL_INTERVAL",
          "250ms");
  private static final Map<String, String> WORKER = with(ALL, "OFFLOAD_ROLE", "worker");

  private static PgTestDatabase db;
  private static Vertx vertx;

  @BeforeAll
  static void createSchema() {
    db = PgTestDatabase.create(ScaleOutIT.class);
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void dropSchema() {
    db.drop(vertx);
    vertx.close().await();
  }

  @BeforeEach
  void emptyTable() {
    db.truncate(vertx);
  }

  @Test
  void two_all_nodes_and_a_worker_node_drain_10000_tasks_each_run_exactly_once() throws Exception {
    try (NodeProcess first =
            NodeProcess.start("all-1", db, with(ALL, "OFFLOAD_WORKER_INSTANCES", "8"));
        NodeProcess second =
            NodeProcess.start("all-2", db, with(ALL, "OFFLOAD_WORKER_INSTANCES", "8"));
        NodeProcess worker =
            NodeProcess.start("worker-1", db, with(WORKER, "OFFLOAD_WORKER_INSTANCES", "8"))) {
      for (int batch = 0; batch < 10; batch++) {
        JsonArray tasks = new JsonArray();
        for (int i = 0; i < 1_000; i++) {
          tasks.add(new JsonObject().put("kind", "noop"));
        }
        JsonObject accepted =
            (batch % 2 == 0 ? first : second)
                .post("/tasks/batch", new JsonObject().put("tasks", tasks));
        assertEquals(1_000, accepted.getJsonArray("ids").size(), accepted.encode());
      }

      Eventually.isTrue(
          "10,000 tasks completed",
          Duration.ofSeconds(120),
          () -> count("state = 'completed'") == 10_000);
      assertEquals(0, count("attempt <> 1"), "a task ran twice");
      Map<String, Long> byNode = new HashMap<>();
      for (Row row :
          db.sql(
              vertx, "SELECT attempted_by, count(*) FROM offload_task_all GROUP BY attempted_by")) {
        byNode.put(row.getString(0), row.getLong(1));
      }
      System.out.println("tasks per node: " + byNode);
      assertTrue(byNode.size() >= 2, "work spread over the nodes: " + byNode);
      assertTrue(worker.isAlive());
    }
  }

  @Test
  void when_one_of_three_nodes_is_killed_mid_attempt_every_task_still_completes() throws Exception {
    try (NodeProcess doomed = NodeProcess.start("all-1", db, ALL);
        NodeProcess survivor = NodeProcess.start("all-2", db, ALL);
        NodeProcess worker = NodeProcess.start("worker-1", db, WORKER)) {
      submitSleeps(survivor, 12, 3);
      Eventually.isTrue("12 attempts running over 3 nodes", () -> count("state = 'running'") == 12);
      long onDoomed = count("state = 'running' AND attempted_by = 'all-1'");
      assertEquals(4, onDoomed);

      doomed.kill();

      Eventually.isTrue(
          "all completed", Duration.ofSeconds(60), () -> count("state = 'completed'") == 12);
      assertEquals(onDoomed, count("attempt = 2"), "only the killed node's attempts ran again");
      assertEquals(0, count("attempt > 2"));
      assertTrue(worker.isAlive(), "the worker node kept running");
    }
  }

  @Test
  void when_one_of_three_nodes_is_stopped_with_sigterm_every_task_completes_and_none_failed()
      throws Exception {
    try (NodeProcess stopped = NodeProcess.start("all-1", db, ALL);
        NodeProcess other = NodeProcess.start("all-2", db, ALL);
        NodeProcess worker = NodeProcess.start("worker-1", db, WORKER)) {
      submitSleeps(other, 16, 2);
      Eventually.isTrue("12 attempts running over 3 nodes", () -> count("state = 'running'") == 12);

      assertEquals(0, stopped.terminate(), "exit code");

      Eventually.isTrue(
          "all completed", Duration.ofSeconds(60), () -> count("state = 'completed'") == 16);
      assertEquals(0, count("attempt <> 1"), "no attempt was counted as failed");
      assertEquals(0, count("errors <> '[]'::jsonb"));
      assertTrue(worker.isAlive(), "the worker node kept running");
    }
  }

  private static void submitSleeps(NodeProcess node, int count, int seconds) throws Exception {
    JsonArray tasks = new JsonArray();
    for (int i = 0; i < count; i++) {
      tasks.add(
          new JsonObject()
              .put("kind", "sleep")
              .put("args", new JsonObject().put("seconds", seconds)));
    }
    JsonObject accepted = node.post("/tasks/batch", new JsonObject().put("tasks", tasks));
    assertEquals(count, accepted.getJsonArray("ids").size(), accepted.encode());
  }

  private static long count(String where) {
    return db.sql(vertx, "SELECT count(*) FROM offload_task_all WHERE " + where)
        .iterator()
        .next()
        .getLong(0);
  }

  private static Map<String, String> with(Map<String, String> base, String key, String value) {
    Map<String, String> copy = new HashMap<>(base);
    copy.put(key, value);
    return Map.copyOf(copy);
  }
}

package dev.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.Eventually;
import dev.offload.testing.NodeProcess;
import dev.offload.testing.PgTestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real node processes of the fat jar are killed or stopped mid-attempt; no accepted task is lost.
 */
class NodeCrashIT {

  private static final Map<String, String> SHORT_LEASE =
      Map.of(
          "OFFLOAD_LEASE",
          "2s",
          "OFFLOAD_WORKER_INSTANCES",
          "4",
          "OFFLOAD_TASKS_POLL_INTERVAL",
          "250ms");

  private static PgTestDatabase db;
  private static Vertx vertx;

  @BeforeAll
  static void createSchema() {
    db = PgTestDatabase.create(NodeCrashIT.class);
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void dropSchema() {
    db.drop(vertx);
    vertx.close().await();
  }

  @Test
  void tasks_running_on_a_killed_node_are_rescued_after_the_lease_and_all_complete()
      throws Exception {
    db.truncate(vertx);
    List<String> ids = new ArrayList<>();
    try (NodeProcess doomed = NodeProcess.start("node-a", db, SHORT_LEASE)) {
      for (int i = 0; i < 8; i++) {
        ids.add(submitSleep(doomed, 3));
      }
      Eventually.isTrue("4 tasks running on node-a", () -> runningCount() == 4);
      doomed.kill();
      assertFalse(doomed.isAlive());
    }
    assertEquals(
        4, runningCount(), "the killed node's attempts stay running until their lease expires");

    try (NodeProcess rescuer = NodeProcess.start("node-b", db, SHORT_LEASE)) {
      List<JsonObject> finished = awaitAllFinished(rescuer, ids, Duration.ofSeconds(60));
      int rescued = 0;
      for (JsonObject task : finished) {
        assertEquals("completed", task.getString("state"), task.encode());
        JsonArray errors = task.getJsonArray("errors");
        if (task.getInteger("attempt") == 2) {
          rescued++;
          assertEquals(1, errors.size());
          assertTrue(
              errors.getJsonObject(0).getString("message").contains("lease expired: node node-a"));
        } else {
          assertEquals(1, task.getInteger("attempt"));
          assertTrue(errors.isEmpty());
        }
      }
      assertEquals(4, rescued, "the four attempts cut short by the kill ran again");
    }
  }

  @Test
  void a_node_stopped_with_sigterm_finishes_its_running_tasks_exits_0_and_loses_nothing()
      throws Exception {
    db.truncate(vertx);
    List<String> ids = new ArrayList<>();
    try (NodeProcess stopped = NodeProcess.start("node-c", db, SHORT_LEASE)) {
      for (int i = 0; i < 6; i++) {
        ids.add(submitSleep(stopped, 2));
      }
      Eventually.isTrue("4 tasks running on node-c", () -> runningCount() == 4);
      assertEquals(0, stopped.terminate(), "exit code");
    }
    assertEquals(0, runningCount(), "nothing is left running, so nothing waits for a lease");
    assertEquals(
        4L,
        db.sql(vertx, "SELECT count(*) FROM offload_task_all WHERE state = 'completed'")
            .iterator()
            .next()
            .getLong(0),
        "the four running attempts finished within the grace");

    try (NodeProcess restarted = NodeProcess.start("node-d", db, SHORT_LEASE)) {
      for (JsonObject task : awaitAllFinished(restarted, ids, Duration.ofSeconds(30))) {
        assertEquals("completed", task.getString("state"), task.encode());
        assertEquals(1, task.getInteger("attempt"), "no attempt failed: " + task.encode());
        assertTrue(task.getJsonArray("errors").isEmpty(), task.encode());
      }
    }
  }

  private static String submitSleep(NodeProcess node, int seconds) throws Exception {
    JsonObject task =
        node.post(
            "/tasks",
            new JsonObject()
                .put("kind", "sleep")
                .put("args", new JsonObject().put("seconds", seconds)));
    return task.getString("id");
  }

  private static int runningCount() {
    return db.sql(vertx, "SELECT count(*) FROM offload_task_all WHERE state = 'running'")
        .iterator()
        .next()
        .getInteger(0);
  }

  private static List<JsonObject> awaitAllFinished(
      NodeProcess node, List<String> ids, Duration wait) throws Exception {
    Eventually.isTrue(
        "all tasks finished",
        wait,
        () ->
            db.sql(vertx, "SELECT count(*) FROM offload_task_all WHERE finalized_at IS NULL")
                    .iterator()
                    .next()
                    .getInteger(0)
                == 0);
    List<JsonObject> tasks = new ArrayList<>();
    for (String id : ids) {
      tasks.add(node.get("/tasks/" + id));
    }
    return tasks;
  }
}

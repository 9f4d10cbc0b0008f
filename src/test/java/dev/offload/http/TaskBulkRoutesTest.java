package dev.offload.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Tasks;
import dev.offload.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bulk cancel and retry by ids and by filter, answering how many changed; DELETE of a final task;
 * the search and the time range of the task list.
 */
class TaskBulkRoutesTest {

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  @Test
  void bulk_cancel_and_retry_answer_how_many_tasks_changed() throws Exception {
    TestNode node = offload.start(Map.of("OFFLOAD_ROLE", "api")); // nothing runs: tasks wait
    List<String> reports = node.submitBatch(5, Tasks.noop().queue("reports"));
    List<String> others = node.submitBatch(3, Tasks.noop().queue("others"));

    assertEquals(
        3, changed(node, "/tasks/cancel", ids(reports.get(0), reports.get(1), others.get(0))));
    assertEquals(0, changed(node, "/tasks/cancel", ids(reports.get(0))), "already cancelled");
    assertEquals(
        3, changed(node, "/tasks/cancel", filter(new JsonObject().put("queue", "reports"))));
    assertEquals(
        0,
        changed(
            node,
            "/tasks/cancel",
            filter(new JsonObject().put("queue", "others").put("state", "completed"))));
    assertEquals("available", node.task(others.get(1)).getString("state"));

    assertEquals(
        5,
        changed(
            node,
            "/tasks/retry",
            filter(new JsonObject().put("queue", "reports").put("state", List.of("cancelled")))));
    assertEquals(1, changed(node, "/tasks/retry", ids(others.get(0), others.get(1))));
    assertEquals("available", node.task(reports.get(4)).getString("state"));

    for (JsonObject bad :
        List.of(
            new JsonObject(),
            ids(reports.get(0)).mergeIn(filter(new JsonObject().put("queue", "x"))),
            filter(new JsonObject()),
            filter(new JsonObject().put("state", "nonsense")),
            filter(new JsonObject().put("color", "red")),
            new JsonObject().put("ids", new JsonArray()),
            new JsonObject().put("ids", new JsonArray().add("not-an-id")))) {
      var response = node.client().post("/tasks/cancel").sendJsonObject(bad).await();
      assertEquals(400, response.statusCode(), bad.encode());
      assertEquals(
          "invalid_field", response.bodyAsJsonObject().getJsonObject("error").getString("code"));
    }
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 1_001; i++) {
      tooMany.add(reports.get(0));
    }
    assertEquals(
        400,
        node.client()
            .post("/tasks/retry")
            .sendJsonObject(new JsonObject().put("ids", tooMany))
            .await()
            .statusCode());
  }

  @Test
  void a_bulk_cancel_asks_running_tasks_to_stop() throws Exception {
    TestNode node = offload.start();
    String id = node.submit(Tasks.sleep(30));
    node.await(id, Tasks.inState("running"));
    assertEquals(
        1, changed(node, "/tasks/cancel", filter(new JsonObject().put("state", "running"))));
    node.await(id, Tasks.inState("cancelled"));
  }

  @Test
  void delete_removes_a_final_task_and_refuses_one_that_is_not() throws Exception {
    TestNode node = offload.start(Map.of("OFFLOAD_ROLE", "api"));
    String waiting = node.submit(Tasks.noop());
    String done = node.submit(Tasks.noop().arg("n", 1));
    node.client().post("/tasks/" + done + "/cancel").send().await();

    assertEquals(409, delete(node, waiting));
    assertEquals(204, delete(node, done));
    assertEquals(404, node.client().get("/tasks/" + done).send().await().statusCode());
    assertEquals(404, delete(node, done));
    assertEquals(400, delete(node, "nope"));
  }

  @Test
  void a_search_finds_tasks_by_id_unique_key_or_text_in_args_within_a_time_range()
      throws Exception {
    TestNode node = offload.start(Map.of("OFFLOAD_ROLE", "api"));
    Instant before = Instant.now();
    String needle = node.submit(Tasks.noop().arg("customer", "acme-needle-42"));
    node.submit(Tasks.noop().arg("customer", "other"));
    String keyed = node.submit(Tasks.noop().json().put("unique_key", "order-77"));

    assertEquals(List.of(needle), listed(node, "/tasks?q=needle-42"));
    assertEquals(List.of(keyed), listed(node, "/tasks?q=order-77"));
    assertEquals(List.of(needle), listed(node, "/tasks?q=" + needle));
    assertEquals(List.of(), listed(node, "/tasks?q=needle-42&created_before=" + before));
    assertEquals(3, listed(node, "/tasks?created_after=" + before).size());
    assertEquals(400, node.client().get("/tasks?q=x&fields=args").send().await().statusCode());
    assertEquals(
        400, node.client().get("/tasks?created_after=yesterday").send().await().statusCode());
  }

  private static List<String> listed(TestNode node, String path) {
    var response = node.client().get(path).send().await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getJsonArray("tasks").stream()
        .map(task -> ((JsonObject) task).getString("id"))
        .toList();
  }

  private static int delete(TestNode node, String id) {
    return node.client().delete("/tasks/" + id).send().await().statusCode();
  }

  private static JsonObject ids(String... ids) {
    return new JsonObject().put("ids", new JsonArray(List.of((Object[]) ids)));
  }

  private static JsonObject filter(JsonObject filter) {
    return new JsonObject().put("filter", filter);
  }

  private static int changed(TestNode node, String path, JsonObject body) {
    var response = node.client().post(path).sendJsonObject(body).await();
    assertEquals(200, response.statusCode(), body.encode() + ": " + response.bodyAsString());
    return response.bodyAsJsonObject().getInteger("changed");
  }
}

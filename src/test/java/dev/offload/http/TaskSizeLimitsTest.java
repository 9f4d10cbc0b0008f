package dev.offload.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.OffloadNodeExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One limit on a task's args on every route that makes tasks, and list pages bounded in bytes, not
 * only in rows. Before, a batch took a task with 15 MiB of args that {@code POST /tasks} refused,
 * and forty of them made one {@code GET /tasks} build 613 MB.
 */
class TaskSizeLimitsTest {

  private static final int PAYLOAD_LIMIT = 262_144;

  @RegisterExtension
  static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode().role("api");

  @Test
  void args_of_exactly_the_limit_are_taken_and_one_byte_more_is_a_413_on_every_route()
      throws InterruptedException {
    offload.start();
    assertEquals(202, post("/tasks", task(PAYLOAD_LIMIT)).statusCode());
    HttpResponse<Buffer> single = post("/tasks", task(PAYLOAD_LIMIT + 1));
    assertError(single, 413, "payload_too_large");
    HttpResponse<Buffer> batch =
        post(
            "/tasks/batch",
            new JsonObject()
                .put("tasks", new JsonArray().add(task(10)).add(task(PAYLOAD_LIMIT + 1))));
    String message = assertError(batch, 413, "payload_too_large");
    assertTrue(message.startsWith("tasks[1]: "), message);
    assertEquals(1, offload.countTasks("true"));
  }

  @Test
  void a_batch_cannot_carry_what_a_single_submission_may_not() throws InterruptedException {
    offload.start();
    JsonObject huge = task(15 * 1024 * 1024);
    HttpResponse<Buffer> response =
        post("/tasks/batch", new JsonObject().put("tasks", new JsonArray().add(huge)));
    // A batch's body has the limit of one submission's now, which refuses it first.
    assertError(response, 413, "body_too_large");
    assertEquals(0, offload.countTasks("true"));
  }

  @Test
  void a_list_omits_args_result_and_errors_unless_asked_and_then_stays_under_its_byte_bound()
      throws InterruptedException {
    // Five tasks of 700 KiB of args (the limit raised for them): a page may carry 2 MiB of them.
    offload.start(Map.of("OFFLOAD_TASKS_PAYLOAD_LIMIT", String.valueOf(1024 * 1024)));
    Set<String> submitted = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      HttpResponse<Buffer> response = post("/tasks", task(700 * 1024));
      assertEquals(202, response.statusCode(), response.bodyAsString());
      submitted.add(response.bodyAsJsonObject().getString("id"));
    }

    JsonObject light = get("/tasks");
    assertEquals(5, light.getJsonArray("tasks").size());
    JsonObject first = light.getJsonArray("tasks").getJsonObject(0);
    assertFalse(
        first.containsKey("args") || first.containsKey("result") || first.containsKey("errors"),
        first.encode());
    assertNull(light.getString("next"));

    List<Integer> pageSizes = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String after = null;
    do {
      JsonObject page = get("/tasks?fields=args,result" + (after == null ? "" : "&after=" + after));
      JsonArray tasks = page.getJsonArray("tasks");
      pageSizes.add(tasks.size());
      for (int i = 0; i < tasks.size(); i++) {
        JsonObject task = tasks.getJsonObject(i);
        assertNotNull(task.getJsonObject("args"), task.getString("id"));
        assertTrue(task.containsKey("result"));
        assertFalse(task.containsKey("errors"));
        seen.add(task.getString("id"));
      }
      after = page.getString("next");
    } while (after != null);
    assertEquals(List.of(2, 2, 1), pageSizes);
    assertEquals(submitted, seen);
  }

  @Test
  void an_unknown_field_to_list_is_a_400() throws InterruptedException {
    offload.start();
    HttpResponse<Buffer> response =
        offload.client().get("/tasks?fields=args,secrets").send().await();
    assertError(response, 400, "invalid_query");
  }

  private static JsonObject task(int argsBytes) {
    // {"pad":"xxx..."} is 10 bytes plus the padding.
    return new JsonObject()
        .put("kind", "noop")
        .put("args", new JsonObject().put("pad", "x".repeat(argsBytes - 10)));
  }

  private static HttpResponse<Buffer> post(String path, JsonObject body) {
    return offload.client().post(path).sendJsonObject(body).await();
  }

  private static JsonObject get(String uri) {
    HttpResponse<Buffer> response = offload.client().get(uri).send().await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static String assertError(HttpResponse<Buffer> response, int status, String code) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertEquals(code, error.getString("code"), error.encode());
    return error.getString("message");
  }
}

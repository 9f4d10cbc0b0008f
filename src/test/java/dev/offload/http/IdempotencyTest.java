package dev.offload.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.OffloadNodeExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Idempotency as Stripe defines it: a key repeated with the same request gives the first result
 * again; with a different request it is a 409, and nothing is stored. Before, a different body
 * silently got the old task, and {@code /tasks/batch} ignored the header.
 */
class IdempotencyTest {

  @RegisterExtension
  static final OffloadNodeExtension offload = OffloadNodeExtension.withNode().role("api");

  @Test
  void the_same_request_again_gives_the_same_task_whatever_its_key_order_and_spacing() {
    HttpResponse<Buffer> first =
        post("/tasks", "order-1", "{\"kind\": \"noop\", \"args\": {\"a\": 1, \"b\": [1, 2]}}");
    assertEquals(202, first.statusCode(), first.bodyAsString());
    HttpResponse<Buffer> again =
        post("/tasks", "order-1", "{\"args\":{\"b\":[1,2],\"a\":1},\"kind\":\"noop\"}");
    assertEquals(200, again.statusCode(), again.bodyAsString());
    assertEquals(id(first), id(again));
    // The header and the field are one key.
    HttpResponse<Buffer> byField =
        post(
            "/tasks",
            null,
            "{\"kind\": \"noop\", \"args\": {\"a\": 1, \"b\": [1, 2]}, \"unique_key\": \"order-1\"}");
    assertEquals(200, byField.statusCode(), byField.bodyAsString());
    assertEquals(id(first), id(byField));
  }

  @Test
  void the_same_key_with_a_different_request_is_a_409_and_changes_nothing() {
    assertEquals(
        202, post("/tasks", "order-2", "{\"kind\": \"noop\", \"args\": {\"n\": 1}}").statusCode());
    for (String other :
        new String[] {
          "{\"kind\": \"noop\", \"args\": {\"n\": 2}}",
          "{\"kind\": \"noop\", \"args\": {\"n\": 1}, \"priority\": 1}",
          "{\"kind\": \"noop\", \"args\": {\"n\": 1.0}}",
          "{\"kind\": \"sleep\", \"args\": {\"seconds\": 1}}"
        }) {
      assertConflict(post("/tasks", "order-2", other));
    }
    assertEquals(1, offload.countTasks("true"));
  }

  @Test
  void a_key_taken_before_fingerprints_were_kept_matches_any_request() {
    assertEquals(202, post("/tasks", "legacy", "{\"kind\": \"noop\"}").statusCode());
    offload.sql("UPDATE offload_task_key SET request_hash = NULL WHERE unique_key = 'legacy'");
    assertEquals(
        200, post("/tasks", "legacy", "{\"kind\": \"noop\", \"args\": {\"x\": 1}}").statusCode());
  }

  @Test
  void a_batch_with_a_key_is_one_request_repeated_whole_or_refused_whole() {
    String batch =
        "{\"tasks\": [{\"kind\": \"noop\"}, {\"kind\": \"noop\", \"args\": {\"i\": 2}}]}";
    HttpResponse<Buffer> first = post("/tasks/batch", "import-7", batch);
    assertEquals(202, first.statusCode(), first.bodyAsString());
    HttpResponse<Buffer> again = post("/tasks/batch", "import-7", batch);
    assertEquals(202, again.statusCode(), again.bodyAsString());
    assertEquals(ids(first), ids(again));

    assertConflict(
        post(
            "/tasks/batch",
            "import-7",
            "{\"tasks\": [{\"kind\": \"noop\"}, {\"kind\": \"noop\", \"args\": {\"i\": 3}}]}"));
    assertConflict(
        post(
            "/tasks/batch",
            "import-7",
            "{\"tasks\": [{\"kind\": \"noop\"}, {\"kind\": \"noop\", \"args\": {\"i\": 2}},"
                + " {\"kind\": \"noop\"}]}"));
    assertEquals(2, offload.countTasks("true"));
  }

  @Test
  void a_batch_whose_task_key_is_held_by_another_request_stores_none_of_its_tasks() {
    assertEquals(
        202, post("/tasks", "held", "{\"kind\": \"noop\", \"args\": {\"v\": 1}}").statusCode());
    HttpResponse<Buffer> batch =
        post(
            "/tasks/batch",
            null,
            "{\"tasks\": [{\"kind\": \"noop\", \"unique_key\": \"fresh\"}, {\"kind\": \"noop\"},"
                + " {\"kind\": \"noop\", \"args\": {\"v\": 2}, \"unique_key\": \"held\"}]}");
    assertConflict(batch);
    assertEquals(1, offload.countTasks("true"));
    // The same task as the one holding the key is no conflict: the batch goes in, with its id.
    HttpResponse<Buffer> same =
        post(
            "/tasks/batch",
            null,
            "{\"tasks\": [{\"kind\": \"noop\", \"unique_key\": \"fresh\"},"
                + " {\"kind\": \"noop\", \"args\": {\"v\": 1}, \"unique_key\": \"held\"}]}");
    assertEquals(202, same.statusCode(), same.bodyAsString());
    assertEquals(2, offload.countTasks("true"));
  }

  @Test
  void two_tasks_of_one_batch_with_one_key_or_a_task_key_under_a_batch_key_are_a_400() {
    HttpResponse<Buffer> twice =
        post(
            "/tasks/batch",
            null,
            "{\"tasks\": [{\"kind\": \"noop\", \"unique_key\": \"k\"}, {\"kind\": \"noop\"},"
                + " {\"kind\": \"noop\", \"unique_key\": \"k\"}]}");
    String message = assertError(twice, 400, "invalid_field");
    assertTrue(message.startsWith("tasks[2]: ") && message.contains("tasks[0]"), message);
    HttpResponse<Buffer> both =
        post("/tasks/batch", "b-1", "{\"tasks\": [{\"kind\": \"noop\", \"unique_key\": \"k\"}]}");
    assertError(both, 400, "invalid_field");
    assertEquals(0, offload.countTasks("true"));
  }

  private static HttpResponse<Buffer> post(String path, String key, String body) {
    HttpRequest<Buffer> request =
        offload.client().post(path).putHeader("content-type", "application/json");
    if (key != null) {
      request.putHeader("idempotency-key", key);
    }
    return request.sendBuffer(Buffer.buffer(body)).await();
  }

  private static void assertConflict(HttpResponse<Buffer> response) {
    assertError(response, 409, "idempotency_conflict");
  }

  private static String assertError(HttpResponse<Buffer> response, int status, String code) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertEquals(code, error.getString("code"), error.encode());
    return error.getString("message");
  }

  private static String id(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getString("id");
  }

  private static JsonArray ids(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonArray("ids");
  }
}

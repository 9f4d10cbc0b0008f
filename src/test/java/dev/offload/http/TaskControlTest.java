package dev.offload.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.Eventually;
import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Tasks;
import dev.offload.testing.Timing;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cancel, retry, idempotent and batch submission, over HTTP on a real node with workers. */
class TaskControlTest {

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withNode();

  @Nested
  class Cancel {

    @Test
    void a_waiting_task_is_cancelled_at_once_and_never_runs() throws Exception {
      String id = submit(new JsonObject().put("kind", "noop").put("delay", "300ms"));

      HttpResponse<Buffer> response = post("/tasks/" + id + "/cancel", null);

      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertEquals("cancelled", response.bodyAsJsonObject().getString("state"));
      assertNotNull(response.bodyAsJsonObject().getString("finalized_at"));
      // Past its start time: a task due after it has run, and claims take due tasks oldest first,
      // so a claim that could take the cancelled one took it first.
      offload.await(offload.submit(Tasks.noop().delay("400ms")), Tasks.inState("completed"));
      assertEquals(0, task(id).getInteger("attempt"));
      assertEquals("cancelled", task(id).getString("state"));
    }

    @Test
    @Timing
    void a_running_sleep_task_stops_within_a_second_and_ends_cancelled() throws Exception {
      String id = offload.submit(Tasks.sleep(30));
      Eventually.isTrue("running", () -> "running".equals(task(id).getString("state")));

      Instant requested = Instant.now();
      HttpResponse<Buffer> response = post("/tasks/" + id + "/cancel", null);
      assertEquals(202, response.statusCode(), "the cancel is pending while the attempt stops");
      assertEquals("running", response.bodyAsJsonObject().getString("state"));
      assertNotNull(response.bodyAsJsonObject().getString("cancel_requested_at"));

      JsonObject cancelled =
          Eventually.value(
              "cancelled",
              Duration.ofSeconds(5),
              () -> task(id),
              task -> "cancelled".equals(task.getString("state")));
      Duration took =
          Duration.between(requested, Instant.parse(cancelled.getString("finalized_at")));
      assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "stopped after " + took);
      assertEquals(
          "cancelled on request",
          cancelled.getJsonArray("errors").getJsonObject(0).getString("message"));
    }

    @Test
    void cancelling_a_finished_task_is_a_409_and_an_unknown_one_a_404() throws Exception {
      String id = submit(new JsonObject().put("kind", "noop"));
      Eventually.isTrue("completed", () -> "completed".equals(task(id).getString("state")));

      HttpResponse<Buffer> finished = post("/tasks/" + id + "/cancel", null);
      assertEquals(409, finished.statusCode());
      assertEquals("task_state_conflict", errorCode(finished));
      assertEquals(
          404, post("/tasks/01a1fdac-02f8-736b-9a9c-1820ed7b0cc0/cancel", null).statusCode());
      assertEquals(400, post("/tasks/nope/cancel", null).statusCode());
    }
  }

  @Nested
  class Retry {

    @Test
    void a_discarded_task_retried_on_demand_runs_again() throws Exception {
      String id = offload.submit(Tasks.failingUntil(2).maxAttempts(1));
      Eventually.isTrue("discarded", () -> "discarded".equals(task(id).getString("state")));

      HttpResponse<Buffer> response = post("/tasks/" + id + "/retry", null);

      assertEquals(200, response.statusCode(), response.bodyAsString());
      JsonObject completed =
          Eventually.value(
              "completed",
              Duration.ofSeconds(5),
              () -> task(id),
              task -> "completed".equals(task.getString("state")));
      assertEquals(2, completed.getInteger("attempt"));
      assertEquals("succeeded on attempt 2", completed.getString("result"));
    }

    @Test
    void retrying_a_task_that_is_not_discarded_or_cancelled_is_a_409() {
      String id = submit(new JsonObject().put("kind", "noop").put("delay", "1h"));

      HttpResponse<Buffer> response = post("/tasks/" + id + "/retry", null);

      assertEquals(409, response.statusCode());
      assertTrue(
          response
              .bodyAsJsonObject()
              .getJsonObject("error")
              .getString("message")
              .contains("scheduled"));
    }
  }

  @Nested
  class IdempotentSubmission {

    @Test
    void the_same_idempotency_key_returns_the_existing_task_with_200() {
      JsonObject body = new JsonObject().put("kind", "noop").put("delay", "1h");
      HttpResponse<Buffer> first =
          client().post("/tasks").putHeader("Idempotency-Key", "abc").sendJsonObject(body).await();
      HttpResponse<Buffer> second =
          client().post("/tasks").putHeader("Idempotency-Key", "abc").sendJsonObject(body).await();
      HttpResponse<Buffer> viaField =
          client().post("/tasks").sendJsonObject(body.copy().put("unique_key", "abc")).await();

      assertEquals(202, first.statusCode());
      assertEquals(200, second.statusCode());
      assertEquals(200, viaField.statusCode());
      String id = first.bodyAsJsonObject().getString("id");
      assertEquals(id, second.bodyAsJsonObject().getString("id"));
      assertEquals(id, viaField.bodyAsJsonObject().getString("id"));
      assertEquals("/tasks/" + id, second.getHeader("location"));
    }

    @Test
    void concurrent_requests_with_one_key_create_one_task() {
      List<Future<HttpResponse<Buffer>>> responses =
          IntStream.range(0, 24)
              .mapToObj(
                  i ->
                      client()
                          .post("/tasks")
                          .putHeader("Idempotency-Key", "race")
                          .sendJsonObject(new JsonObject().put("kind", "noop").put("delay", "1h")))
              .toList();
      Future.all(responses).await();

      assertEquals(1, responses.stream().filter(r -> r.result().statusCode() == 202).count());
      assertEquals(23, responses.stream().filter(r -> r.result().statusCode() == 200).count());
      assertEquals(
          1,
          responses.stream()
              .map(r -> r.result().bodyAsJsonObject().getString("id"))
              .distinct()
              .count());
      assertEquals(1, tasks().size());
    }

    @Test
    void a_header_and_field_that_disagree_are_a_400() {
      HttpResponse<Buffer> response =
          client()
              .post("/tasks")
              .putHeader("Idempotency-Key", "a")
              .sendJsonObject(new JsonObject().put("kind", "noop").put("unique_key", "b"))
              .await();

      assertEquals(400, response.statusCode());
      assertEquals(0, tasks().size());
    }
  }

  @Nested
  class Batch {

    @Test
    void a_batch_is_inserted_and_answered_with_its_ids_in_order() throws Exception {
      JsonArray tasks = new JsonArray();
      for (int i = 0; i < 1_000; i++) {
        tasks.add(Tasks.noop().priority(i % 10).json());
      }

      HttpResponse<Buffer> response = post("/tasks/batch", new JsonObject().put("tasks", tasks));

      assertEquals(202, response.statusCode(), response.bodyAsString());
      JsonArray ids = response.bodyAsJsonObject().getJsonArray("ids");
      assertEquals(1_000, ids.size());
      assertEquals(7, task(ids.getString(7)).getInteger("priority"));
      Eventually.isTrue(
          "all completed",
          Duration.ofSeconds(30),
          () -> count("SELECT count(*) FROM offload_task_all WHERE state = 'completed'") == 1_000);
    }

    @Test
    void one_invalid_task_rejects_the_whole_batch_naming_its_index() {
      JsonArray tasks =
          new JsonArray()
              .add(new JsonObject().put("kind", "noop"))
              .add(new JsonObject().put("kind", "noop").put("priority", 99));

      HttpResponse<Buffer> response = post("/tasks/batch", new JsonObject().put("tasks", tasks));

      assertEquals(400, response.statusCode());
      assertTrue(
          response
              .bodyAsJsonObject()
              .getJsonObject("error")
              .getString("message")
              .startsWith("tasks[1]: "));
      assertEquals(0, count("SELECT count(*) FROM offload_task_all"));
    }

    @Test
    void an_empty_or_oversized_or_malformed_batch_is_a_400() {
      JsonArray tooMany = new JsonArray();
      for (int i = 0; i < 1_001; i++) {
        tooMany.add(new JsonObject().put("kind", "noop"));
      }
      assertEquals(
          400, post("/tasks/batch", new JsonObject().put("tasks", new JsonArray())).statusCode());
      assertEquals(400, post("/tasks/batch", new JsonObject().put("tasks", tooMany)).statusCode());
      assertEquals(400, post("/tasks/batch", new JsonObject().put("tasks", "noop")).statusCode());
      assertEquals(
          400, post("/tasks/batch", new JsonObject().put("task", new JsonArray())).statusCode());
      assertEquals(
          400,
          post("/tasks/batch", new JsonObject().put("tasks", new JsonArray().add("noop")))
              .statusCode());
    }
  }

  private static WebClient client() {
    return offload.client();
  }

  private static String submit(JsonObject body) {
    return offload.submit(body);
  }

  private static HttpResponse<Buffer> post(String path, JsonObject body) {
    return body == null
        ? client().post(path).send().await()
        : client().post(path).sendJsonObject(body).await();
  }

  private static JsonObject task(String id) {
    return offload.task(id);
  }

  private static JsonArray tasks() {
    return client().get("/tasks").send().await().bodyAsJsonObject().getJsonArray("tasks");
  }

  private static long count(String sql) {
    return offload.sql(sql).iterator().next().getLong(0);
  }

  private static String errorCode(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error").getString("code");
  }
}

package dev.offload.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Tasks;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node that does not trace still keeps the traceparent a submission carries, as sent, so that a
 * node that traces can run its attempts in the client's trace.
 */
class UntracedSubmissionTest {

  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @RegisterExtension
  static final OffloadNodeExtension offload = OffloadNodeExtension.withNode().role("api");

  @Test
  void a_submission_keeps_its_traceparent_as_sent() {
    HttpResponse<Buffer> response = post("/tasks", Tasks.noop().json(), TRACEPARENT);
    assertEquals(202, response.statusCode(), response.bodyAsString());

    assertEquals(TRACEPARENT, traceparentOf(response.bodyAsJsonObject().getString("id")));
  }

  @Test
  void every_task_of_a_batch_keeps_the_batchs_traceparent() {
    JsonObject batch =
        new JsonObject()
            .put("tasks", new JsonArray().add(Tasks.noop().json()).add(Tasks.noop().json()));
    HttpResponse<Buffer> response = post("/tasks/batch", batch, TRACEPARENT);
    assertEquals(202, response.statusCode(), response.bodyAsString());

    for (Object id : response.bodyAsJsonObject().getJsonArray("ids")) {
      assertEquals(TRACEPARENT, traceparentOf((String) id));
    }
  }

  @Test
  void a_submission_without_one_has_none() {
    HttpResponse<Buffer> response = post("/tasks", Tasks.noop().json(), null);
    assertEquals(202, response.statusCode(), response.bodyAsString());

    assertNull(traceparentOf(response.bodyAsJsonObject().getString("id")));
  }

  @Test
  void an_invalid_one_fails_the_batch_and_stores_nothing() {
    JsonObject batch = new JsonObject().put("tasks", new JsonArray().add(Tasks.noop().json()));
    HttpResponse<Buffer> response = post("/tasks/batch", batch, "00-not-a-trace-01");

    assertEquals(400, response.statusCode());
    assertEquals(
        "invalid_field", response.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertEquals(0, offload.countTasks("true"));
  }

  private static HttpResponse<Buffer> post(String path, JsonObject body, String traceparent) {
    var request = offload.client().post(path);
    if (traceparent != null) {
      request.putHeader("traceparent", traceparent);
    }
    return request.sendJsonObject(body).await();
  }

  private static String traceparentOf(String id) {
    return offload
        .sql("SELECT traceparent FROM offload_task_all WHERE id = $1", UUID.fromString(id))
        .iterator()
        .next()
        .getString(0);
  }
}

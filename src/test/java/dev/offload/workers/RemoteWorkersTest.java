package dev.offload.workers;

import static dev.offload.workers.HttpWorker.code;
import static dev.offload.workers.HttpWorker.taskId;
import static dev.offload.workers.HttpWorker.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Tasks;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The remote worker protocol against a real node: each call's effect on the task. */
class RemoteWorkersTest {

  @RegisterExtension
  static final OffloadNodeExtension offload = OffloadNodeExtension.withNode().workers(1);

  @Test
  void a_registered_worker_claims_a_submitted_task_and_completes_it() throws Exception {
    HttpWorker worker = HttpWorker.register(offload.client(), "py-host-1", 4, "resize");
    String id = offload.submit(Tasks.of("resize").arg("width", 64));

    JsonObject attempt = worker.claimOne();
    assertEquals(id, taskId(attempt));
    assertEquals(1, attempt.getInteger("attempt"));
    assertEquals("running", attempt.getJsonObject("task").getString("state"));
    assertEquals(64, attempt.getJsonObject("task").getJsonObject("args").getInteger("width"));

    HttpResponse<Buffer> completed =
        worker.complete(token(attempt), new JsonObject().put("resized", true));
    assertEquals(204, completed.statusCode(), completed.bodyAsString());

    JsonObject task = offload.task(id);
    assertEquals("completed", task.getString("state"));
    assertEquals(new JsonObject().put("resized", true), task.getJsonObject("result"));
    assertEquals("py-host-1", task.getString("attempted_by"));
  }

  @Test
  void a_second_outcome_for_the_same_attempt_is_stale_and_changes_nothing() throws Exception {
    HttpWorker worker = HttpWorker.register(offload.client(), "w", 1, "resize");
    String id = offload.submit(Tasks.of("resize"));
    JsonObject attempt = worker.claimOne();
    assertEquals(204, worker.complete(token(attempt), 1).statusCode());

    HttpResponse<Buffer> late = worker.fail(token(attempt), "too late");
    assertEquals(409, late.statusCode(), late.bodyAsString());
    assertEquals("stale_lease", code(late));
    JsonObject task = offload.task(id);
    assertEquals("completed", task.getString("state"));
    assertTrue(task.getJsonArray("errors").isEmpty());
  }
}

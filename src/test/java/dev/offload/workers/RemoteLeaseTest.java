package dev.offload.workers;

import static dev.offload.workers.HttpWorker.code;
import static dev.offload.workers.HttpWorker.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Tasks;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A remote worker that stops heartbeating loses its attempt to the node's lease rescue, as a dead
 * node does: on a node whose lease is one second, the shortest allowed.
 */
class RemoteLeaseTest {

  @RegisterExtension
  static final OffloadNodeExtension offload =
      OffloadNodeExtension.withNode().workers(1).env("OFFLOAD_TASKS_LEASE", "1s");

  @Test
  void a_silent_worker_is_rescued_and_its_late_complete_is_stale() throws Exception {
    HttpWorker dead = HttpWorker.register(offload.client(), "dead", 1, "ocr");
    String id = offload.submit(Tasks.of("ocr").maxAttempts(3));
    JsonObject lost = dead.claimOne();

    JsonObject rescued = offload.await(id, Tasks.inState("retryable"));
    String error = rescued.getJsonArray("errors").getJsonObject(0).getString("message");
    assertTrue(error.startsWith("lease expired: node dead stopped renewing it"), error);

    HttpWorker alive = HttpWorker.register(offload.client(), "alive", 1, "ocr");
    JsonObject second = alive.claimOne();
    assertEquals(2, second.getInteger("attempt"));

    HttpResponse<Buffer> late = dead.complete(token(lost), "late");
    assertEquals(409, late.statusCode(), late.bodyAsString());
    assertEquals("stale_lease", code(late));
    assertFalse(dead.heartbeat(token(lost)).getJsonObject(0).getBoolean("ok"));

    assertEquals(204, alive.complete(token(second), "done").statusCode());
    JsonObject done = offload.task(id);
    assertEquals("completed", done.getString("state"));
    assertEquals("done", done.getString("result"));
    assertEquals("alive", done.getString("attempted_by"));
  }
}

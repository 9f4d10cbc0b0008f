package dev.offload.workers;

import static dev.offload.workers.HttpWorker.taskId;
import static dev.offload.workers.HttpWorker.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Tasks;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One queue served at once by the node's worker verticles and asynchronous lane (local kinds) and
 * by a remote worker (a remote kind): each task runs exactly once, and attempted_by tells which.
 */
class MixedQueueTest {

  @RegisterExtension
  static final OffloadNodeExtension offload = OffloadNodeExtension.withNode().workers(2);

  @Test
  void local_and_remote_tasks_of_one_queue_each_run_once_where_they_belong() throws Exception {
    HttpWorker remote =
        HttpWorker.register(offload.client(), "py-worker", 8, List.of("mixed"), "remote.kind");
    List<String> local = offload.node().submitBatch(40, Tasks.probe(5).queue("mixed"));
    List<String> async = offload.node().submitBatch(40, Tasks.noop().queue("mixed"));
    List<String> remoteIds = offload.node().submitBatch(80, Tasks.of("remote.kind").queue("mixed"));

    Set<String> claimed = new HashSet<>();
    while (claimed.size() < remoteIds.size()) {
      JsonArray attempts = remote.claim(8, "5s");
      assertTrue(!attempts.isEmpty(), "claimed " + claimed.size() + " of " + remoteIds.size());
      JsonArray outcomes = new JsonArray();
      for (int i = 0; i < attempts.size(); i++) {
        JsonObject attempt = attempts.getJsonObject(i);
        assertTrue(claimed.add(taskId(attempt)), "claimed twice: " + taskId(attempt));
        outcomes.add(
            new JsonObject()
                .put("lease_token", token(attempt))
                .put("complete", new JsonObject().put("result", "remote")));
      }
      HttpResponse<Buffer> answer =
          remote.post("outcomes", new JsonObject().put("outcomes", outcomes));
      assertEquals(200, answer.statusCode(), answer.bodyAsString());
      answer
          .bodyAsJsonObject()
          .getJsonArray("outcomes")
          .forEach(taken -> assertEquals(204, ((JsonObject) taken).getInteger("status")));
    }
    assertEquals(new HashSet<>(remoteIds), claimed);

    for (String id : remoteIds) {
      assertRanOnceBy(id, "py-worker");
    }
    for (String id : local) {
      assertRanOnceBy(id, "test-node");
    }
    for (String id : async) {
      assertRanOnceBy(id, "test-node");
    }
  }

  private static void assertRanOnceBy(String id, String by) throws InterruptedException {
    JsonObject task = offload.await(id, Tasks.inState("completed"));
    assertEquals(1, task.getInteger("attempt"), task.encode());
    assertTrue(task.getJsonArray("errors").isEmpty(), task.encode());
    assertEquals(by, task.getString("attempted_by"));
  }
}

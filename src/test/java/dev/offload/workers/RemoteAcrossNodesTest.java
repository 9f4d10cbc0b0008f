package dev.offload.workers;

import static dev.offload.workers.HttpWorker.taskId;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.offload.testing.Eventually;
import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Tasks;
import dev.offload.testing.TestNode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes on one database: a remote worker waiting on one gets a task submitted to the other,
 * woken by NOTIFY. The waiting node polls every five minutes, so only the NOTIFY can end the claim
 * with the task within its wait.
 */
class RemoteAcrossNodesTest {

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  @Test
  void a_worker_waiting_on_one_node_gets_a_task_submitted_to_another() throws Exception {
    TestNode workerNode =
        offload.start(Map.of("OFFLOAD_NODE_ID", "node-a", "OFFLOAD_TASKS_POLL_INTERVAL", "5m"));
    TestNode apiNode = offload.start(Map.of("OFFLOAD_NODE_ID", "node-b", "OFFLOAD_ROLE", "api"));
    Eventually.isTrue("node-a listens", () -> offload.database().hasTaskListener(offload.vertx()));
    HttpWorker worker = HttpWorker.register(workerNode.client(), "far", 1, "far.kind");

    // The claim waits on node-a; the first claim after it, for nothing, has run by the time the
    // worker is on the node's list of waiting claims (it answers nothing with wait 0).
    assertEquals(0, worker.claim(1, "0s").size());
    Future<HttpResponse<Buffer>> waiting =
        workerNode
            .client()
            .post("/workers/" + worker.id + "/claim")
            .sendJsonObject(new JsonObject().put("max", 1).put("wait", "20s"));
    String id = apiNode.submit(Tasks.of("far.kind"));

    HttpResponse<Buffer> claimed = waiting.await();
    assertEquals(200, claimed.statusCode(), claimed.bodyAsString());
    assertEquals(id, taskId(claimed.bodyAsJsonObject().getJsonArray("attempts").getJsonObject(0)));
    assertEquals("far", apiNode.task(id).getString("attempted_by"));
  }
}

package dev.offload.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Tasks;
import dev.offload.testing.Timing;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An idle remote worker's long poll is woken by a submission, as the dispatcher is: it gets the
 * task within milliseconds, not at a polling interval (the node polls every five minutes here).
 */
@Timing
class RemoteLongPollTimingTest {

  @RegisterExtension
  static final OffloadNodeExtension offload =
      OffloadNodeExtension.withNode().workers(1).env("OFFLOAD_TASKS_POLL_INTERVAL", "5m");

  @Test
  void a_waiting_claim_gets_a_new_task_within_50_ms_of_its_submission() {
    HttpWorker worker = HttpWorker.register(offload.client(), "idle", 1, "quick");
    for (int i = 0; i < 5; i++) {
      assertEquals(0, worker.claim(1, "0s").size(), "nothing waits before the submission");
      Future<HttpResponse<Buffer>> waiting =
          offload
              .client()
              .post("/workers/" + worker.id + "/claim")
              .sendJsonObject(new JsonObject().put("max", 1).put("wait", "20s"));
      String id = offload.submit(Tasks.of("quick"));
      HttpResponse<Buffer> claimed = waiting.await();
      assertEquals(200, claimed.statusCode(), claimed.bodyAsString());
      JsonObject attempt = claimed.bodyAsJsonObject().getJsonArray("attempts").getJsonObject(0);
      JsonObject task = attempt.getJsonObject("task");
      assertEquals(id, task.getString("id"));
      Duration waited =
          Duration.between(
              Instant.parse(task.getString("created_at")),
              Instant.parse(task.getString("attempted_at")));
      assertTrue(
          waited.compareTo(Duration.ofMillis(50)) <= 0,
          "claimed " + waited.toMillis() + " ms after its submission");
      assertEquals(204, worker.complete(HttpWorker.token(attempt), null).statusCode());
    }
  }
}

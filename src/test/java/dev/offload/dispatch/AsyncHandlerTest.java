package dev.offload.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.Eventually;
import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Tasks;
import dev.offload.testing.TestNode;
import dev.offload.testing.Timing;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Asynchronous handlers run on the dispatcher's event loop, many at once, holding no worker
 * verticle.
 */
class AsyncHandlerTest {

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  @Test
  @Timing
  void two_hundred_async_tasks_of_half_a_second_run_at_once_with_a_single_worker_verticle()
      throws Exception {
    TestNode node = offload.start(Map.of("OFFLOAD_WORKER_INSTANCES", "1"));
    Instant submitted = Instant.now();
    List<String> ids = node.submitBatch(200, Tasks.async(500));

    Eventually.isTrue(
        "all completed",
        Duration.ofSeconds(10),
        () -> offload.countTasks("state = 'completed'") == 200);
    Duration took = Duration.between(submitted, Instant.now());
    assertTrue(took.compareTo(Duration.ofMillis(2_500)) < 0, "200 x 500 ms took " + took);
    JsonObject one = node.task(ids.get(0));
    assertEquals("waited", one.getString("result"));
    assertEquals(1, one.getInteger("attempt"));
  }

  @Test
  void async_tasks_run_without_any_worker_verticle_and_blocking_ones_wait_unclaimed()
      throws Exception {
    TestNode node = offload.start(Map.of("OFFLOAD_WORKER_INSTANCES", "0"));
    List<String> blocking = node.submitBatch(3, Tasks.of("test.probe"));
    List<String> async = node.submitBatch(3, Tasks.of("test.async"));

    Eventually.isTrue("async ones completed", () -> offload.countTasks("state = 'completed'") == 3);
    // A claim for an async task submitted after them has run: one that could take the blocking
    // ones, due before it, took them.
    node.await(node.submit(Tasks.of("test.async")), Tasks.inState("completed"));
    for (String id : blocking) {
      JsonObject waiting = node.task(id);
      assertEquals("available", waiting.getString("state"));
      assertEquals(
          0, waiting.getInteger("attempt"), "claimed and handed back: " + waiting.encode());
      assertNull(waiting.getString("attempted_by"), "claimed and handed back: " + waiting.encode());
    }
    assertEquals(3, async.size());
  }

  @Test
  void an_async_failure_is_retried_and_its_errors_kept() throws Exception {
    TestNode node = offload.start();
    String id = node.submit(Tasks.of("test.async").maxAttempts(2).arg("fail", true));

    JsonObject discarded = node.await(id, Duration.ofSeconds(5), Tasks.inState("discarded"));
    assertEquals(2, discarded.getJsonArray("errors").size());
    assertTrue(
        discarded
            .getJsonArray("errors")
            .getJsonObject(0)
            .getString("message")
            .contains("planned asynchronous failure"));
  }

  @Test
  void an_async_attempt_is_stopped_by_its_timeout_and_by_a_cancel() throws Exception {
    TestNode node = offload.start();
    String slow = node.submit(Tasks.async(30_000).timeout("200ms").maxAttempts(1));
    String cancelled = node.submit(Tasks.async(30_000));
    Eventually.isTrue("running", () -> "running".equals(node.task(cancelled).getString("state")));
    node.client().post("/tasks/" + cancelled + "/cancel").send().await();

    JsonObject timedOut = node.await(slow, Duration.ofSeconds(5), Tasks.inState("discarded"));
    assertEquals(
        "attempt timed out after 200ms",
        timedOut.getJsonArray("errors").getJsonObject(0).getString("message"));
    Eventually.isTrue(
        "cancelled",
        Duration.ofSeconds(2),
        () -> "cancelled".equals(node.task(cancelled).getString("state")));
  }
}

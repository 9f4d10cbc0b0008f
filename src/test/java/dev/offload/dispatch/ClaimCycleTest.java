package dev.offload.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.offload.testing.Eventually;
import dev.offload.testing.ManualDispatcher;
import dev.offload.testing.MutableClock;
import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.TestNode;
import dev.offload.testing.handlers.LateAsyncHandler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real node whose dispatcher claims one cycle at a time ({@link ManualDispatcher}), on a clock
 * the test moves.
 */
class ClaimCycleTest {

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  private TestNode node;
  private MutableClock clock;

  private void startNode(Map<String, String> env) throws InterruptedException {
    clock = MutableClock.atNow();
    node = offload.startManual(clock, env);
  }

  @Test
  void a_delayed_task_is_claimed_by_the_first_cycle_after_the_clock_reaches_its_time()
      throws Exception {
    startNode(Map.of());
    String id = submit(new JsonObject().put("kind", "noop").put("delay", "1h"));

    assertEquals(0, node.cycle());
    clock.advance(Duration.ofHours(1).minusSeconds(1));
    assertEquals(0, node.cycle());
    assertEquals("scheduled", task(id).getString("state"));

    clock.advance(Duration.ofSeconds(1));
    assertEquals(1, node.cycle());
    JsonObject done =
        Eventually.value(
            "task " + id,
            Duration.ofSeconds(5),
            () -> task(id),
            task -> "completed".equals(task.getString("state")));
    assertEquals(1, done.getInteger("attempt"));
  }

  @Test
  void
      a_cycle_claims_once_within_the_free_workers_and_nothing_claims_the_rest_until_the_next_cycle()
          throws Exception {
    startNode(Map.of("OFFLOAD_WORKER_INSTANCES", "2"));
    JsonObject probe =
        new JsonObject().put("kind", "test.probe").put("args", new JsonObject().put("ms", 10));
    node.client()
        .post("/tasks/batch")
        .sendJsonObject(
            new JsonObject()
                .put("tasks", new JsonArray().add(probe).add(probe.copy()).add(probe.copy())))
        .await();

    assertEquals(2, node.cycle());
    Eventually.isTrue("two completed", () -> count("state = 'completed'") == 2);
    // Both workers are idle again, yet only a cycle claims: the third task is untouched.
    assertEquals(1, count("state = 'available' AND attempt = 0"));

    assertEquals(1, node.cycle());
    Eventually.isTrue("all completed", () -> count("state = 'completed'") == 3);
  }

  @Test
  void an_async_attempt_that_finishes_after_its_timeout_and_its_retry_gives_its_slot_back()
      throws Exception {
    LateAsyncHandler.reset();
    startNode(Map.of("OFFLOAD_WORKER_INSTANCES", "0", "OFFLOAD_WORKER_ASYNC_CONCURRENCY", "2"));
    String id =
        submit(
            new JsonObject()
                .put("kind", "test.async.late")
                .put("timeout", "200ms")
                .put("max_attempts", 2));
    assertEquals(1, node.cycle());
    Eventually.isTrue("attempt 1 timed out", () -> "retryable".equals(task(id).getString("state")));
    clock.advance(Duration.ofMinutes(1));
    assertEquals(1, node.cycle());
    Eventually.isTrue("attempt 2 completed", () -> "completed".equals(task(id).getString("state")));

    LateAsyncHandler.finishFirst();

    JsonObject waiting =
        new JsonObject()
            .put("kind", "test.async")
            .put("args", new JsonObject().put("delay_ms", 10));
    node.client()
        .post("/tasks/batch")
        .sendJsonObject(
            new JsonObject().put("tasks", new JsonArray().add(waiting).add(waiting.copy())))
        .await();
    assertEquals(2, node.cycle(), "both slots are free again");
  }

  @Test
  void a_task_due_long_before_a_claim_that_found_nothing_is_claimed_by_the_next_cycle()
      throws Exception {
    startNode(Map.of());
    // Nothing is due: this cycle's claims drain both lanes, and raise their floors to just before
    // now (ClaimFloors).
    assertEquals(0, node.cycle());
    String async = submit(new JsonObject().put("kind", "noop").put("delay", "1h"));
    String blocking = submit(new JsonObject().put("kind", "test.probe").put("delay", "1h"));
    // Due long ago, below the floors, where a claim does not look: as a task that another node
    // handed back keeps its old due time. No wake, as none reaches this node from the other.
    offload.sql(
        "UPDATE offload_task SET state = 'available', scheduled_at = $1 WHERE id IN ($2, $3)",
        clock.instant().minus(Duration.ofHours(1)).atOffset(ZoneOffset.UTC),
        UUID.fromString(async),
        UUID.fromString(blocking));

    assertEquals(2, node.cycle());
    for (String claimed : new String[] {async, blocking}) {
      Eventually.isTrue(
          "task " + claimed + " completed",
          () -> "completed".equals(task(claimed).getString("state")));
    }
  }

  @Test
  void a_task_submitted_after_a_claim_that_found_nothing_is_claimed_by_the_next_cycle()
      throws Exception {
    startNode(Map.of());
    assertEquals(0, node.cycle());
    clock.advance(Duration.ofMillis(1));
    String id = submit(new JsonObject().put("kind", "noop"));

    assertEquals(1, node.cycle());
    Eventually.isTrue(
        "task " + id + " completed", () -> "completed".equals(task(id).getString("state")));
  }

  private String submit(JsonObject task) {
    return node.submit(task);
  }

  private JsonObject task(String id) {
    return node.task(id);
  }

  private long count(String where) {
    return offload.countTasks(where);
  }
}

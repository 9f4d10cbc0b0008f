package dev.offload.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.Eventually;
import dev.offload.testing.MutableClock;
import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Tasks;
import dev.offload.testing.TestNode;
import dev.offload.testing.handlers.StubbornHandler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real node runs submitted tasks through the dispatcher and worker verticles, against PostgreSQL.
 */
class TaskExecutionTest {

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  private TestNode node;

  /** The node's Vert.x, whose event bus wakes its dispatcher. */
  private Vertx vertx;

  private void startNode(Clock clock, Map<String, String> env) throws InterruptedException {
    node = offload.start(clock, env);
    vertx = node.vertx();
  }

  /** A node that claims only on {@link TestNode#cycle}. */
  private void startManualNode(MutableClock clock, Map<String, String> env)
      throws InterruptedException {
    node = offload.startManual(clock, env);
    vertx = node.vertx();
  }

  private String submit(JsonObject task) {
    return node.submit(task);
  }

  private JsonObject task(String id) {
    return node.task(id);
  }

  private JsonObject awaitTask(String id, Duration wait, Predicate<JsonObject> accept)
      throws InterruptedException {
    return node.await(id, wait, accept);
  }

  private static Predicate<JsonObject> inState(String state) {
    return Tasks.inState(state);
  }

  @Test
  void a_task_due_long_before_the_claims_of_a_running_node_found_nothing_runs() throws Exception {
    startNode(Clock.systemUTC(), Map.of("OFFLOAD_TASKS_POLL_INTERVAL", "100ms"));
    // A task that runs, and the claims that find nothing after it, give the node's lanes their
    // floors (ClaimFloors).
    awaitTask(
        submit(new JsonObject().put("kind", "noop")), Duration.ofSeconds(5), inState("completed"));
    String id = submit(new JsonObject().put("kind", "noop").put("delay", "1h"));
    // Due an hour ago, below the floors, and no wake: as a task that another node handed back.
    offload.sql(
        "UPDATE offload_task SET state = 'available', scheduled_at = $1 WHERE id = $2",
        Instant.now().minus(Duration.ofHours(1)).atOffset(ZoneOffset.UTC),
        UUID.fromString(id));

    awaitTask(id, Duration.ofSeconds(10), inState("completed"));
  }

  @Test
  void a_sleep_task_completes_with_its_result_and_reports_progress_while_running()
      throws Exception {
    startNode(Clock.systemUTC(), Map.of("OFFLOAD_TASKS_PROGRESS_INTERVAL", "100ms"));
    String id =
        submit(
            new JsonObject()
                .put("kind", "sleep")
                .put("args", new JsonObject().put("seconds", 1.5)));

    JsonObject midway =
        awaitTask(
            id,
            Duration.ofSeconds(5),
            task -> task.getDouble("progress") != null && task.getDouble("progress") > 0);
    assertEquals("running", midway.getString("state"));
    assertTrue(midway.getDouble("progress") < 1, midway.encode());

    JsonObject done = awaitTask(id, Duration.ofSeconds(10), inState("completed"));
    assertEquals(1, done.getInteger("attempt"));
    assertEquals("test-node", done.getString("attempted_by"));
    assertEquals(1.0, done.getDouble("progress"));
    assertEquals(1500, done.getJsonObject("result").getLong("slept_ms"));
    assertTrue(done.getJsonArray("errors").isEmpty());
    long took =
        Duration.between(
                Instant.parse(done.getString("created_at")),
                Instant.parse(done.getString("finalized_at")))
            .toMillis();
    assertTrue(took >= 1500, "finalized " + took + " ms after creation");
  }

  @Test
  void a_failing_task_is_retried_until_max_attempts_then_discarded_keeping_every_error()
      throws Exception {
    startNode(Clock.systemUTC(), Map.of());
    String id = node.submit(Tasks.failing().maxAttempts(3));

    JsonObject discarded = awaitTask(id, Duration.ofSeconds(10), inState("discarded"));
    assertEquals(3, discarded.getInteger("attempt"));
    JsonArray errors = discarded.getJsonArray("errors");
    assertEquals(3, errors.size());
    for (int i = 0; i < 3; i++) {
      JsonObject error = errors.getJsonObject(i);
      assertEquals(i + 1, error.getInteger("attempt"));
      assertTrue(
          error.getString("message").contains("planned failure on attempt " + (i + 1)),
          error.encode());
      Instant.parse(error.getString("at"));
    }
    assertTrue(discarded.getString("finalized_at") != null);
  }

  @Test
  void a_retry_waits_for_its_backoff_on_the_clock_and_then_succeeds() throws Exception {
    MutableClock clock = MutableClock.atNow();
    startManualNode(
        clock, Map.of("OFFLOAD_TASKS_RETRY_BASE", "1h", "OFFLOAD_TASKS_RETRY_CAP", "1h"));
    String id =
        submit(
            new JsonObject()
                .put("kind", "test.fail")
                .put("args", new JsonObject().put("succeed_on_attempt", 2)));
    assertEquals(1, node.cycle());

    JsonObject retryable = awaitTask(id, Duration.ofSeconds(10), inState("retryable"));
    Duration backoff =
        Duration.between(clock.instant(), Instant.parse(retryable.getString("scheduled_at")));
    assertTrue(
        backoff.compareTo(Duration.ofMinutes(30)) >= 0
            && backoff.compareTo(Duration.ofHours(1)) <= 0,
        "backoff " + backoff);

    assertEquals(0, node.cycle(), "a cycle before the backoff has passed must not run it");
    assertEquals("retryable", task(id).getString("state"));

    clock.advance(Duration.ofHours(1));
    assertEquals(1, node.cycle());
    JsonObject completed = awaitTask(id, Duration.ofSeconds(10), inState("completed"));
    assertEquals(2, completed.getInteger("attempt"));
    assertEquals("succeeded on attempt 2", completed.getString("result"));
    assertEquals(1, completed.getJsonArray("errors").size());
  }

  @Test
  void a_handler_can_discard_its_task_at_once() throws Exception {
    startNode(Clock.systemUTC(), Map.of());
    String id = submit(new JsonObject().put("kind", "test.discard").put("max_attempts", 5));

    JsonObject discarded = awaitTask(id, Duration.ofSeconds(10), inState("discarded"));
    assertEquals(1, discarded.getInteger("attempt"));
    assertEquals(
        "input can never work",
        discarded.getJsonArray("errors").getJsonObject(0).getString("message"));
    assertNull(discarded.getValue("result"));
  }

  @Test
  void an_attempt_that_exceeds_its_timeout_fails_and_its_worker_is_freed() throws Exception {
    startNode(Clock.systemUTC(), Map.of("OFFLOAD_WORKER_INSTANCES", "1"));
    String slow =
        submit(
            new JsonObject()
                .put("kind", "sleep")
                .put("timeout", "300ms")
                .put("max_attempts", 1)
                .put("args", new JsonObject().put("seconds", 30)));

    JsonObject discarded = awaitTask(slow, Duration.ofSeconds(5), inState("discarded"));
    assertEquals(
        "attempt timed out after 300ms",
        discarded.getJsonArray("errors").getJsonObject(0).getString("message"));

    // The only worker was interrupted, so it runs the next blocking task right away.
    String next =
        submit(
            new JsonObject().put("kind", "test.probe").put("args", new JsonObject().put("ms", 10)));
    awaitTask(next, Duration.ofSeconds(5), inState("completed"));
  }

  @Test
  void a_timed_out_attempt_that_returns_late_does_not_disturb_the_retry_running_on_the_same_node()
      throws Exception {
    StubbornHandler.reset();
    startNode(Clock.systemUTC(), Map.of("OFFLOAD_LEASE", "1s"));
    String id =
        submit(
            new JsonObject()
                .put("kind", "test.stubborn")
                .put("timeout", "300ms")
                .put("max_attempts", 2));

    JsonObject done =
        awaitTask(id, Duration.ofSeconds(10), task -> task.getString("finalized_at") != null);
    assertEquals("completed", done.getString("state"), done.encode());
    assertEquals(2, done.getInteger("attempt"));
    assertEquals(1, done.getJsonArray("errors").size(), "only the timeout: " + done.encode());

    // Both workers were given back: the node still runs four tasks at once.
    String[] sleeps = new String[4];
    for (int i = 0; i < sleeps.length; i++) {
      sleeps[i] =
          submit(
              new JsonObject()
                  .put("kind", "sleep")
                  .put("args", new JsonObject().put("seconds", 1)));
    }
    for (String sleep : sleeps) {
      awaitTask(sleep, Duration.ofSeconds(5), inState("running"));
    }
  }

  @Test
  void finished_tasks_are_pruned_after_the_retention_and_unfinished_ones_are_kept()
      throws Exception {
    startNode(
        Clock.systemUTC(),
        Map.of("OFFLOAD_TASKS_RETENTION", "1s", "OFFLOAD_TASKS_RETENTION_INTERVAL", "200ms"));
    String done = submit(new JsonObject().put("kind", "noop"));
    String later = submit(new JsonObject().put("kind", "noop").put("delay", "1h"));
    awaitTask(done, Duration.ofSeconds(5), inState("completed"));

    Eventually.isTrue(
        "the finished task is pruned",
        Duration.ofSeconds(5),
        () -> node.client().get("/tasks/" + done).send().await().statusCode() == 404);
    assertEquals("scheduled", task(later).getString("state"));
  }

  @Test
  void a_task_running_longer_than_its_lease_is_renewed_and_runs_once() throws Exception {
    startNode(Clock.systemUTC(), Map.of("OFFLOAD_LEASE", "1s"));
    String id =
        submit(
            new JsonObject().put("kind", "sleep").put("args", new JsonObject().put("seconds", 3)));

    JsonObject done = awaitTask(id, Duration.ofSeconds(10), inState("completed"));
    assertEquals(1, done.getInteger("attempt"));
    assertTrue(done.getJsonArray("errors").isEmpty(), done.encode());
  }

  @Test
  void tasks_submitted_together_all_complete_once() throws Exception {
    startNode(Clock.systemUTC(), Map.of());
    String[] ids = new String[200];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = submit(new JsonObject().put("kind", "noop"));
    }
    for (String id : ids) {
      JsonObject done = awaitTask(id, Duration.ofSeconds(15), inState("completed"));
      assertEquals(1, done.getInteger("attempt"));
    }
  }

  @Test
  void stopping_a_node_lets_running_attempts_finish_within_the_shutdown_grace() throws Exception {
    startNode(Clock.systemUTC(), Map.of("OFFLOAD_NODE_SHUTDOWN_GRACE", "10s"));
    String id =
        submit(
            new JsonObject().put("kind", "sleep").put("args", new JsonObject().put("seconds", 1)));
    String waiting = submit(new JsonObject().put("kind", "noop").put("delay", "2s"));
    awaitTask(id, Duration.ofSeconds(5), inState("running"));
    // Running in the table is not yet running on a worker: a stop between the claim and the
    // hand-over rightly gives the task back untouched. The node counts an attempt once started.
    Eventually.isTrue(
        "the attempt started on a worker",
        () ->
            node.metrics()
                .contains("offload_attempts_started_total{kind=\"sleep\",queue=\"default\"} 1.0"));

    node.stop();

    var finished =
        offload
            .sql("SELECT state, attempt FROM offload_task_all WHERE id = $1::uuid", id)
            .iterator()
            .next();
    assertEquals("completed", finished.getString(0));
    assertEquals(1, finished.getInteger(1));
    // A stopped node claims nothing: every verticle of it is undeployed (Vert.x cancels their
    // timers and consumers), so nothing of it is left to claim the delayed task once it falls due.
    // A successor runs it.
    assertTrue(vertx.deploymentIDs().isEmpty(), "still deployed: " + vertx.deploymentIDs());
    var untouched =
        offload
            .sql("SELECT state FROM offload_task_all WHERE id = $1::uuid", waiting)
            .iterator()
            .next();
    assertEquals("scheduled", untouched.getString(0));
    TestNode successor = offload.start(Map.of("OFFLOAD_NODE_ID", "successor"));
    JsonObject ran = successor.await(waiting, Duration.ofSeconds(5), inState("completed"));
    assertEquals("successor", ran.getString("attempted_by"));
    assertEquals(1, ran.getInteger("attempt"));
  }

  @Test
  void stopping_a_node_hands_its_running_tasks_back_without_counting_the_attempt()
      throws Exception {
    startNode(Clock.systemUTC(), Map.of());
    String id =
        submit(
            new JsonObject().put("kind", "sleep").put("args", new JsonObject().put("seconds", 30)));
    awaitTask(id, Duration.ofSeconds(5), inState("running"));

    node.stop();

    var row =
        offload
            .sql(
                "SELECT state, attempt, errors::text FROM offload_task_all WHERE id = $1::uuid", id)
            .iterator()
            .next();
    assertEquals("available", row.getString(0));
    assertEquals(0, row.getInteger(1));
    assertEquals("[]", row.getString(2));
  }
}

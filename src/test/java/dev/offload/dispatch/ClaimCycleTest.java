package dev.offload.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.offload.OffloadNode;
import dev.offload.testing.Eventually;
import dev.offload.testing.ManualDispatcher;
import dev.offload.testing.MutableClock;
import dev.offload.testing.PgTestDatabase;
import dev.offload.testing.TestNodes;
import dev.offload.testing.handlers.LateAsyncHandler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real node whose dispatcher claims one cycle at a time ({@link ManualDispatcher}), on a clock the test moves. */
class ClaimCycleTest {

  private static PgTestDatabase db;
  private Vertx vertx;
  private OffloadNode node;
  private WebClient client;
  private MutableClock clock;
  private ManualDispatcher dispatcher;

  @BeforeAll
  static void createSchema() {
    db = PgTestDatabase.create(ClaimCycleTest.class);
  }

  @AfterAll
  static void dropSchema() {
    Vertx vertx = Vertx.vertx();
    db.drop(vertx);
    vertx.close().await();
  }

  @AfterEach
  void stopNode() {
    node.stop().await();
    vertx.close().await();
  }

  private void startNode(Map<String, String> env) throws InterruptedException {
    vertx = Vertx.vertx();
    db.truncate(vertx);
    clock = MutableClock.atNow();
    node = ManualDispatcher.startNode(vertx, TestNodes.config(db, env), clock);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(node.httpPort()));
    dispatcher = new ManualDispatcher(vertx);
  }

  @Test
  void a_delayed_task_is_claimed_by_the_first_cycle_after_the_clock_reaches_its_time() throws Exception {
    startNode(Map.of());
    String id = submit(new JsonObject().put("kind", "noop").put("delay", "1h"));

    assertEquals(0, dispatcher.cycle().await());
    clock.advance(Duration.ofHours(1).minusSeconds(1));
    assertEquals(0, dispatcher.cycle().await());
    assertEquals("scheduled", task(id).getString("state"));

    clock.advance(Duration.ofSeconds(1));
    assertEquals(1, dispatcher.cycle().await());
    JsonObject done = Eventually.value("task " + id, Duration.ofSeconds(5), () -> task(id),
        task -> "completed".equals(task.getString("state")));
    assertEquals(1, done.getInteger("attempt"));
  }

  @Test
  void a_cycle_claims_once_within_the_free_workers_and_nothing_claims_the_rest_until_the_next_cycle()
      throws Exception {
    startNode(Map.of("OFFLOAD_WORKER_INSTANCES", "2"));
    JsonObject probe = new JsonObject().put("kind", "test.probe").put("args", new JsonObject().put("ms", 10));
    client.post("/tasks/batch").sendJsonObject(new JsonObject()
        .put("tasks", new JsonArray().add(probe).add(probe.copy()).add(probe.copy()))).await();

    assertEquals(2, dispatcher.cycle().await());
    Eventually.isTrue("two completed", () -> count("state = 'completed'") == 2);
    // Both workers are idle again, yet only a cycle claims: the third task is untouched.
    assertEquals(1, count("state = 'available' AND attempt = 0"));

    assertEquals(1, dispatcher.cycle().await());
    Eventually.isTrue("all completed", () -> count("state = 'completed'") == 3);
  }

  @Test
  void an_async_attempt_that_finishes_after_its_timeout_and_its_retry_gives_its_slot_back() throws Exception {
    LateAsyncHandler.reset();
    startNode(Map.of("OFFLOAD_WORKER_INSTANCES", "0", "OFFLOAD_WORKER_ASYNC_CONCURRENCY", "2"));
    String id = submit(new JsonObject().put("kind", "test.async.late").put("timeout", "200ms").put("max_attempts", 2));
    assertEquals(1, dispatcher.cycle().await());
    Eventually.isTrue("attempt 1 timed out", () -> "retryable".equals(task(id).getString("state")));
    clock.advance(Duration.ofMinutes(1));
    assertEquals(1, dispatcher.cycle().await());
    Eventually.isTrue("attempt 2 completed", () -> "completed".equals(task(id).getString("state")));

    LateAsyncHandler.finishFirst();

    JsonObject waiting = new JsonObject().put("kind", "test.async").put("args", new JsonObject().put("delay_ms", 10));
    client.post("/tasks/batch").sendJsonObject(new JsonObject()
        .put("tasks", new JsonArray().add(waiting).add(waiting.copy()))).await();
    assertEquals(2, dispatcher.cycle().await(), "both slots are free again");
  }

  private String submit(JsonObject task) {
    var response = client.post("/tasks").sendJsonObject(task).await();
    assertEquals(202, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getString("id");
  }

  private JsonObject task(String id) {
    return client.get("/tasks/" + id).send().await().bodyAsJsonObject();
  }

  private long count(String where) {
    return db.sql(vertx, "SELECT count(*) FROM offload_task WHERE " + where).iterator().next().getLong(0);
  }
}

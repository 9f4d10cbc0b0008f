package dev.offload.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.OffloadNode;
import dev.offload.testing.Eventually;
import dev.offload.testing.PgTestDatabase;
import dev.offload.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Asynchronous handlers run on the dispatcher's event loop, many at once, holding no worker verticle. */
class AsyncHandlerTest {

  private static PgTestDatabase db;
  private Vertx vertx;
  private OffloadNode node;
  private WebClient client;

  @BeforeAll
  static void createSchema() {
    db = PgTestDatabase.create(AsyncHandlerTest.class);
  }

  @AfterAll
  static void dropSchema() {
    Vertx vertx = Vertx.vertx();
    db.drop(vertx);
    vertx.close().await();
  }

  @AfterEach
  void stop() {
    node.stop().await();
    vertx.close().await();
  }

  private void start(Map<String, String> env) throws InterruptedException {
    vertx = Vertx.vertx();
    db.truncate(vertx);
    node = TestNodes.startReady(vertx, TestNodes.config(db, env), Clock.systemUTC());
    client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(node.httpPort()));
  }

  @Test
  void two_hundred_async_tasks_of_half_a_second_run_at_once_with_a_single_worker_verticle() throws Exception {
    start(Map.of("OFFLOAD_WORKER_INSTANCES", "1"));
    Instant submitted = Instant.now();
    List<String> ids = submit(200, new JsonObject().put("kind", "test.async")
        .put("args", new JsonObject().put("delay_ms", 500)));

    Eventually.isTrue("all completed", Duration.ofSeconds(10), () -> count("state = 'completed'") == 200);
    Duration took = Duration.between(submitted, Instant.now());
    assertTrue(took.compareTo(Duration.ofMillis(2_500)) < 0, "200 x 500 ms took " + took);
    JsonObject one = task(ids.get(0));
    assertEquals("waited", one.getString("result"));
    assertEquals(1, one.getInteger("attempt"));
  }

  @Test
  void async_tasks_run_without_any_worker_verticle_and_blocking_ones_wait_unclaimed() throws Exception {
    start(Map.of("OFFLOAD_WORKER_INSTANCES", "0"));
    List<String> blocking = submit(3, new JsonObject().put("kind", "test.probe"));
    List<String> async = submit(3, new JsonObject().put("kind", "test.async"));

    Eventually.isTrue("async ones completed", () -> count("state = 'completed'") == 3);
    Thread.sleep(500); // several claim cycles
    for (String id : blocking) {
      JsonObject waiting = task(id);
      assertEquals("available", waiting.getString("state"));
      assertEquals(0, waiting.getInteger("attempt"), "claimed and handed back: " + waiting.encode());
    }
    assertEquals(3, async.size());
  }

  @Test
  void an_async_failure_is_retried_and_its_errors_kept() throws Exception {
    start(Map.of());
    String id = submit(1, new JsonObject().put("kind", "test.async").put("max_attempts", 2)
        .put("args", new JsonObject().put("fail", true))).get(0);

    JsonObject discarded = Eventually.value("discarded", Duration.ofSeconds(5), () -> task(id),
        task -> "discarded".equals(task.getString("state")));
    assertEquals(2, discarded.getJsonArray("errors").size());
    assertTrue(discarded.getJsonArray("errors").getJsonObject(0).getString("message")
        .contains("planned asynchronous failure"));
  }

  @Test
  void an_async_attempt_is_stopped_by_its_timeout_and_by_a_cancel() throws Exception {
    start(Map.of());
    String slow = submit(1, new JsonObject().put("kind", "test.async").put("timeout", "200ms").put("max_attempts", 1)
        .put("args", new JsonObject().put("delay_ms", 30_000))).get(0);
    String cancelled = submit(1, new JsonObject().put("kind", "test.async")
        .put("args", new JsonObject().put("delay_ms", 30_000))).get(0);
    Eventually.isTrue("running", () -> "running".equals(task(cancelled).getString("state")));
    client.post("/tasks/" + cancelled + "/cancel").send().await();

    JsonObject timedOut = Eventually.value("timed out", Duration.ofSeconds(5), () -> task(slow),
        task -> "discarded".equals(task.getString("state")));
    assertEquals("attempt timed out after 200ms", timedOut.getJsonArray("errors").getJsonObject(0).getString("message"));
    Eventually.isTrue("cancelled", Duration.ofSeconds(2), () -> "cancelled".equals(task(cancelled).getString("state")));
  }

  private List<String> submit(int count, JsonObject task) {
    JsonArray tasks = new JsonArray();
    for (int i = 0; i < count; i++) {
      tasks.add(task.copy());
    }
    return client.post("/tasks/batch").sendJsonObject(new JsonObject().put("tasks", tasks)).await()
        .bodyAsJsonObject().getJsonArray("ids").stream().map(String::valueOf).toList();
  }

  private JsonObject task(String id) {
    return client.get("/tasks/" + id).send().await().bodyAsJsonObject();
  }

  private long count(String where) {
    return db.sql(vertx, "SELECT count(*) FROM offload_task WHERE " + where).iterator().next().getLong(0);
  }
}

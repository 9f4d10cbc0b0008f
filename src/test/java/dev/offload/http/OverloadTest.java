package dev.offload.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.Eventually;
import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.TestNode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node offered more submissions than it can insert refuses the excess at once with {@code 503
 * overloaded} and {@code Retry-After}, never a 500, and every task it accepted exists exactly once.
 * The test holds the task table locked in a transaction of its own, so that the node's inserts hang
 * on it (holding the node's one connection) until the test lets go.
 */
class OverloadTest {

  @RegisterExtension
  static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode().role("api");

  private Pool pool;
  private SqlConnection locker;
  private Transaction lock;

  @AfterEach
  void release() {
    if (lock != null) {
      unlock();
    }
    if (pool != null) {
      pool.close().await();
    }
  }

  @Test
  void single_submissions_beyond_the_submit_queue_are_refused_at_once()
      throws InterruptedException {
    // One event loop, three submissions in progress: two grouped inserts in flight (hanging on the
    // lock), one submission waiting for the next.
    TestNode node =
        startAndLock(
            Map.of(
                "OFFLOAD_HTTP_INSTANCES", "1",
                "OFFLOAD_DATABASE_POOL_SIZE", "1",
                "OFFLOAD_TASKS_SUBMIT_QUEUE", "3"));
    List<Future<HttpResponse<Buffer>>> answers = noopSubmissions(node, 8);

    Eventually.isTrue("five refused while three wait", () -> completed(answers) == 5);
    unlock();
    List<HttpResponse<Buffer>> responses = all(answers);

    assertRefusedAsOverloaded(responses, 5);
    List<String> ids =
        responses.stream()
            .filter(response -> response.statusCode() == 202)
            .map(response -> response.bodyAsJsonObject().getString("id"))
            .toList();
    assertEquals(3, ids.size(), statuses(responses));
    assertEachExistsOnce(ids);
  }

  /**
   * A browser's submission (it sends an {@code Origin}) is refused by the router instead, so that
   * its 503 carries the CORS headers the browser needs to read it.
   */
  @Test
  void a_cross_origin_submission_beyond_the_submit_queue_is_refused_with_its_cors_headers()
      throws InterruptedException {
    String origin = "https://app.example";
    TestNode node =
        startAndLock(
            Map.of(
                "OFFLOAD_HTTP_INSTANCES", "1",
                "OFFLOAD_DATABASE_POOL_SIZE", "1",
                "OFFLOAD_TASKS_SUBMIT_QUEUE", "1",
                "OFFLOAD_HTTP_CORS_ALLOWED_ORIGINS", origin));
    List<Future<HttpResponse<Buffer>>> first = noopSubmissions(node, 3);
    Eventually.isTrue("two refused while one waits", () -> completed(first) == 2);
    HttpResponse<Buffer> refused =
        node.client()
            .post("/tasks")
            .putHeader("origin", origin)
            .sendJsonObject(new JsonObject().put("kind", "noop"))
            .await();
    unlock();

    assertRefusedAsOverloaded(List.of(refused), 1);
    assertEquals(origin, refused.getHeader("access-control-allow-origin"));
    assertRefusedAsOverloaded(all(first), 2);
    assertEquals(1, offload.countTasks("true"));
  }

  @Test
  void batches_beyond_the_pool_wait_queue_are_refused_at_once() throws InterruptedException {
    // One connection, held by the first batch's insert; one batch may wait for it.
    TestNode node =
        startAndLock(
            Map.of("OFFLOAD_DATABASE_POOL_SIZE", "1", "OFFLOAD_DATABASE_MAX_WAIT_QUEUE", "1"));
    JsonObject batch =
        new JsonObject()
            .put(
                "tasks",
                new JsonArray()
                    .add(new JsonObject().put("kind", "noop"))
                    .add(new JsonObject().put("kind", "noop")));
    List<Future<HttpResponse<Buffer>>> answers =
        IntStream.range(0, 4)
            .mapToObj(i -> node.client().post("/tasks/batch").sendJsonObject(batch))
            .toList();

    Eventually.isTrue("two batches refused", () -> completed(answers) >= 2);
    unlock();
    List<HttpResponse<Buffer>> responses = all(answers);

    long refused = responses.stream().filter(response -> response.statusCode() == 503).count();
    assertTrue(refused >= 2, statuses(responses));
    assertRefusedAsOverloaded(responses, (int) refused);
    List<String> ids = new ArrayList<>();
    responses.stream()
        .filter(response -> response.statusCode() == 202)
        .forEach(
            response ->
                response
                    .bodyAsJsonObject()
                    .getJsonArray("ids")
                    .forEach(id -> ids.add((String) id)));
    assertEquals(2 * (responses.size() - refused), ids.size(), statuses(responses));
    assertEachExistsOnce(ids);
  }

  /**
   * A node with these settings, once it has started (its start-up must not wait on the lock), and
   * the task table locked.
   */
  private TestNode startAndLock(Map<String, String> settings) throws InterruptedException {
    TestNode node = offload.start(settings);
    pool = offload.database().pool(offload.vertx());
    locker = pool.getConnection().await();
    lock = locker.begin().await();
    // SHARE conflicts with the ROW EXCLUSIVE lock every INSERT takes.
    locker.query("LOCK TABLE offload_task IN SHARE MODE").execute().await();
    return node;
  }

  private void unlock() {
    lock.commit().await();
    locker.close().await();
    lock = null;
  }

  /** {@code count} submissions of a {@code noop} task, sent at once. */
  private static List<Future<HttpResponse<Buffer>>> noopSubmissions(TestNode node, int count) {
    return IntStream.range(0, count)
        .mapToObj(
            i -> node.client().post("/tasks").sendJsonObject(new JsonObject().put("kind", "noop")))
        .toList();
  }

  private static int completed(List<Future<HttpResponse<Buffer>>> answers) {
    return (int) answers.stream().filter(Future::isComplete).count();
  }

  private static List<HttpResponse<Buffer>> all(List<Future<HttpResponse<Buffer>>> answers) {
    return answers.stream().map(answer -> answer.await()).toList();
  }

  /** Exactly {@code count} answers are 503 overloaded with Retry-After; the others are 202. */
  private static void assertRefusedAsOverloaded(List<HttpResponse<Buffer>> responses, int count) {
    List<HttpResponse<Buffer>> refused =
        responses.stream().filter(response -> response.statusCode() != 202).toList();
    assertEquals(count, refused.size(), statuses(responses));
    for (HttpResponse<Buffer> response : refused) {
      assertEquals(503, response.statusCode(), response.bodyAsString());
      JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
      assertEquals("overloaded", error.getString("code"));
      assertEquals("the node is at capacity; try again shortly", error.getString("message"));
      assertEquals("1", response.getHeader("retry-after"), "a 503 says when to come back");
      assertTrue(response.getHeader("x-request-id") != null, "a refusal has its request id too");
    }
  }

  /** Every id is a task, once; no other task exists (the refused ones left nothing behind). */
  private static void assertEachExistsOnce(List<String> ids) {
    assertEquals(ids.size(), ids.stream().distinct().count(), "distinct ids: " + ids);
    assertEquals(ids.size(), offload.countTasks("true"));
    for (String id : ids) {
      assertEquals(1, offload.countTasks("id = '" + id + "'"), id);
    }
  }

  private static String statuses(List<HttpResponse<Buffer>> responses) {
    return "statuses: " + responses.stream().map(HttpResponse::statusCode).toList();
  }
}

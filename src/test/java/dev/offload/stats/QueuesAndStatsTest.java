package dev.offload.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.offload.testing.Eventually;
import dev.offload.testing.MutableClock;
import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Tasks;
import dev.offload.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pausing a queue stops the claims of its tasks, and resuming lets them be claimed again (the
 * dispatcher run one cycle at a time); the counts of {@code GET /stats} and {@code GET /queues},
 * from the node's cache; and the throughput series.
 */
class QueuesAndStatsTest {

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  @Test
  void a_paused_queue_is_skipped_by_claims_and_claimed_again_once_resumed() throws Exception {
    MutableClock clock = MutableClock.atNow();
    TestNode node = offload.startManual(clock, Map.of());
    JsonObject paused = post(node, "/queues/slow/pause", 200);
    assertEquals("slow", paused.getString("name"));
    assertEquals(true, paused.getBoolean("paused"));

    String slow = node.submit(Tasks.noop().queue("slow")); // a paused queue still takes tasks
    String fast = node.submit(Tasks.noop().queue("fast"));
    assertEquals(1, node.cycle());
    node.await(fast, Tasks.inState("completed"));
    assertEquals(0, node.cycle());
    assertEquals("available", node.task(slow).getString("state"));
    clock.advance(Duration.ofSeconds(3)); // past the node's cache of counts, taken at the pause
    JsonObject listed = queue(node, "slow");
    assertEquals(true, listed.getBoolean("paused"));
    assertEquals(1L, listed.getJsonObject("counts").getLong("available"));
    assertNotNull(listed.getString("oldest_waiting_at"));

    assertEquals(false, post(node, "/queues/slow/resume", 200).getBoolean("paused"));
    assertEquals(1, node.cycle());
    node.await(slow, Tasks.inState("completed"));
    assertEquals(false, queue(node, "slow").getBoolean("paused"));
    post(node, "/queues/no%20such/pause", 400);
  }

  @Test
  void stats_count_by_state_queue_and_kind_from_a_cache_at_most_two_seconds_old() throws Exception {
    MutableClock clock = MutableClock.atNow();
    TestNode node = offload.start(clock, Map.of("OFFLOAD_ROLE", "api"));
    String first = node.submit(Tasks.noop().queue("a"));
    node.submit(Tasks.noop().queue("a"));
    node.submit(Tasks.noop().queue("a"));
    node.submitBatch(2, Tasks.sleep(1).queue("b"));
    post(node, "/tasks/" + first + "/cancel", 200);
    clock.advance(Duration.ofSeconds(1));

    JsonObject stats = stats(node);
    assertEquals(2, count(stats, "available", "a", "noop"));
    assertEquals(2, count(stats, "available", "b", "sleep"));
    assertEquals(1, count(stats, "cancelled", "a", "noop"));
    assertEquals(3, stats.getJsonArray("counts").size());
    assertEquals(1L, queue(node, "a").getJsonObject("counts").getLong("cancelled"));

    node.submit(Tasks.noop().queue("a"));
    assertEquals(2, count(stats(node), "available", "a", "noop"), "cached");
    clock.advance(Duration.ofSeconds(3));
    assertEquals(3, count(stats(node), "available", "a", "noop"), "refreshed");

    Eventually.isTrue(
        "the series counts the 6 submissions",
        () ->
            submitted(
                    node.client().get("/stats/series?minutes=1").send().await().bodyAsJsonObject())
                == 6);
    assertEquals(400, node.client().get("/stats/series?minutes=61").send().await().statusCode());
  }

  private static long submitted(JsonObject series) {
    assertEquals(10, series.getInteger("step_s"));
    assertEquals(6, series.getJsonArray("points").size());
    return series.getJsonArray("points").stream()
        .mapToLong(point -> ((JsonObject) point).getLong("submitted"))
        .sum();
  }

  private static JsonObject stats(TestNode node) {
    var response = node.client().get("/stats").send().await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static long count(JsonObject stats, String state, String queue, String kind) {
    return stats.getJsonArray("counts").stream()
        .map(JsonObject.class::cast)
        .filter(
            row ->
                row.getString("state").equals(state)
                    && row.getString("queue").equals(queue)
                    && row.getString("kind").equals(kind))
        .mapToLong(row -> row.getLong("count"))
        .sum();
  }

  private static JsonObject queue(TestNode node, String name) {
    JsonArray queues =
        node.client().get("/queues").send().await().bodyAsJsonObject().getJsonArray("queues");
    return queues.stream()
        .map(JsonObject.class::cast)
        .filter(queue -> queue.getString("name").equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no queue " + name + " in " + queues));
  }

  private static JsonObject post(TestNode node, String path, int status) {
    var response = node.client().post(path).send().await();
    assertEquals(status, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }
}

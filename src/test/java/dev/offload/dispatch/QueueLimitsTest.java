package dev.offload.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.OffloadNode;
import dev.offload.testing.Eventually;
import dev.offload.testing.PgTestDatabase;
import dev.offload.testing.TestNodes;
import dev.offload.testing.handlers.ConcurrencyProbeHandler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Queues with a concurrency limit, per node and over all nodes, on real nodes. */
class QueueLimitsTest {

  private PgTestDatabase db;
  private final List<Vertx> vertxes = new ArrayList<>();
  private final List<OffloadNode> nodes = new ArrayList<>();
  private WebClient client;

  @BeforeEach
  void createSchema() {
    db = PgTestDatabase.create(QueueLimitsTest.class);
  }

  @AfterEach
  void stop() {
    nodes.forEach(node -> node.stop().await());
    db.drop(vertxes.get(0));
    vertxes.forEach(vertx -> vertx.close().await());
  }

  private void startNode(Map<String, String> env) throws InterruptedException {
    Vertx vertx = Vertx.vertx();
    vertxes.add(vertx);
    OffloadNode node = TestNodes.startReady(vertx, TestNodes.config(db, env), Clock.systemUTC());
    nodes.add(node);
    if (client == null) {
      client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(node.httpPort()));
    }
  }

  @Test
  void a_slow_queue_limited_to_one_attempt_per_node_does_not_starve_the_others() throws Exception {
    ConcurrencyProbeHandler.reset();
    startNode(Map.of("OFFLOAD_WORKER_INSTANCES", "3", "OFFLOAD_QUEUES", "{\"slow\": {\"concurrency\": 1}}"));
    submit(3, new JsonObject().put("kind", "test.probe").put("queue", "slow")
        .put("args", new JsonObject().put("ms", 600)));
    Eventually.isTrue("one slow task running", () -> running("slow") == 1);

    List<String> fast = submit(5, new JsonObject().put("kind", "noop"));
    Eventually.isTrue("all completed", Duration.ofSeconds(10), () -> count("state = 'completed'") == 8);

    // Counted by the handlers: the database may show a finished attempt as running until its outcome is
    // written, a moment after the next one started.
    assertEquals(1, ConcurrencyProbeHandler.mostAtOnce(), "the slow queue ran more than one attempt at once");
    for (String id : fast) { // they did not wait for the slow queue
      JsonObject done = client.get("/tasks/" + id).send().await().bodyAsJsonObject();
      assertTrue(Duration.between(Instant.parse(done.getString("created_at")),
          Instant.parse(done.getString("finalized_at"))).toMillis() < 500, done.encode());
    }
  }

  @Test
  void a_global_limit_holds_over_several_nodes() throws Exception {
    String queues = "{\"shared\": {\"global_concurrency\": 2}}";
    startNode(Map.of("OFFLOAD_NODE_ID", "node-a", "OFFLOAD_WORKER_INSTANCES", "3", "OFFLOAD_QUEUES", queues));
    startNode(Map.of("OFFLOAD_NODE_ID", "node-b", "OFFLOAD_WORKER_INSTANCES", "3", "OFFLOAD_QUEUES", queues));

    submit(8, new JsonObject().put("kind", "sleep").put("queue", "shared")
        .put("args", new JsonObject().put("seconds", 0.3)));
    long maxRunning = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (count("state = 'completed'") < 8 && System.nanoTime() < deadline) {
      maxRunning = Math.max(maxRunning, running("shared"));
      Thread.sleep(5);
    }
    assertEquals(8, count("state = 'completed'"));
    assertEquals(2, maxRunning);
  }

  private List<String> submit(int count, JsonObject task) {
    JsonArray tasks = new JsonArray();
    for (int i = 0; i < count; i++) {
      tasks.add(task.copy());
    }
    return client.post("/tasks/batch").sendJsonObject(new JsonObject().put("tasks", tasks)).await()
        .bodyAsJsonObject().getJsonArray("ids").stream().map(String::valueOf).toList();
  }

  private long running(String queue) {
    return count("state = 'running' AND queue = '" + queue + "'");
  }

  private long count(String where) {
    return db.sql(vertxes.get(0), "SELECT count(*) FROM offload_task WHERE " + where).iterator().next().getLong(0);
  }
}

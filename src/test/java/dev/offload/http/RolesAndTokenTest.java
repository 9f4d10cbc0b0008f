package dev.offload.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.OffloadNode;
import dev.offload.testing.Eventually;
import dev.offload.testing.PgTestDatabase;
import dev.offload.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What api and worker nodes serve and run, and the bearer token on state-changing routes. */
class RolesAndTokenTest {

  private static PgTestDatabase db;
  private final List<Vertx> vertxes = new ArrayList<>();
  private final List<OffloadNode> nodes = new ArrayList<>();

  @BeforeAll
  static void createSchema() {
    db = PgTestDatabase.create(RolesAndTokenTest.class);
  }

  @AfterAll
  static void dropSchema() {
    Vertx vertx = Vertx.vertx();
    db.drop(vertx);
    vertx.close().await();
  }

  @AfterEach
  void stop() {
    nodes.forEach(node -> node.stop().await());
    vertxes.forEach(vertx -> vertx.close().await());
  }

  /** A node in a Vert.x instance of its own, as in a JVM of its own. */
  private WebClient start(Map<String, String> env) throws InterruptedException {
    Vertx vertx = Vertx.vertx();
    vertxes.add(vertx);
    OffloadNode node = TestNodes.startReady(vertx, TestNodes.config(db, env), Clock.systemUTC());
    nodes.add(node);
    return WebClient.create(vertx, new WebClientOptions().setDefaultPort(node.httpPort()));
  }

  private static void emptyTable() {
    Vertx vertx = Vertx.vertx();
    db.truncate(vertx);
    vertx.close().await();
  }

  @Test
  void an_api_node_accepts_tasks_but_runs_none() throws Exception {
    emptyTable();
    WebClient client = start(Map.of("OFFLOAD_ROLE", "api"));

    HttpResponse<Buffer> submitted = client.post("/tasks").sendJsonObject(new JsonObject().put("kind", "noop")).await();
    assertEquals(202, submitted.statusCode());
    Thread.sleep(600); // several polls of a node that runs tasks
    String id = submitted.bodyAsJsonObject().getString("id");
    assertEquals("available", client.get("/tasks/" + id).send().await().bodyAsJsonObject().getString("state"));
  }

  @Test
  void a_worker_node_runs_tasks_and_serves_only_health_readiness_and_metrics() throws Exception {
    emptyTable();
    WebClient apiClient = start(Map.of("OFFLOAD_ROLE", "api", "OFFLOAD_NODE_ID", "api-node"));
    WebClient workerClient = start(Map.of("OFFLOAD_ROLE", "worker", "OFFLOAD_NODE_ID", "worker-node"));

    assertEquals(200, workerClient.get("/health").send().await().statusCode());
    assertEquals(200, workerClient.get("/ready").send().await().statusCode());
    for (String path : new String[] {"/tasks", "/async-task?delay=1ms", "/sync-task?delay=1ms", "/admin/nodes"}) {
      HttpResponse<Buffer> refused = workerClient.get(path).send().await();
      assertEquals(404, refused.statusCode(), path);
      assertEquals("not_found", refused.bodyAsJsonObject().getJsonObject("error").getString("code"));
    }
    assertEquals(404, workerClient.post("/tasks").sendJsonObject(new JsonObject().put("kind", "noop"))
        .await().statusCode());

    String id = apiClient.post("/tasks").sendJsonObject(new JsonObject().put("kind", "noop"))
        .await().bodyAsJsonObject().getString("id");
    JsonObject done = Eventually.value("completed", java.time.Duration.ofSeconds(5),
        () -> apiClient.get("/tasks/" + id).send().await().bodyAsJsonObject(),
        task -> "completed".equals(task.getString("state")));
    assertEquals("worker-node", done.getString("attempted_by"));

    HttpResponse<Buffer> metrics = workerClient.get("/metrics").send().await();
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.bodyAsString().contains("offload_attempts_ended_total{state=\"completed\"} 1.0"),
        metrics.bodyAsString());
    assertTrue(apiClient.get("/metrics").send().await().bodyAsString()
        .contains("offload_tasks_submitted_total 1.0"));
  }

  @Test
  void with_a_token_configured_changes_need_it_and_reads_do_not() throws Exception {
    emptyTable();
    WebClient client = start(Map.of("OFFLOAD_API_TOKEN", "s3cret", "OFFLOAD_WORKER_INSTANCES", "0"));
    JsonObject noop = new JsonObject().put("kind", "noop");

    HttpResponse<Buffer> missing = client.post("/tasks").sendJsonObject(noop).await();
    HttpResponse<Buffer> wrong = client.post("/tasks").bearerTokenAuthentication("guess").sendJsonObject(noop).await();
    HttpResponse<Buffer> right = client.post("/tasks").bearerTokenAuthentication("s3cret").sendJsonObject(noop).await();

    assertEquals(401, missing.statusCode());
    assertEquals("unauthorized", missing.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertEquals("Bearer", missing.getHeader("www-authenticate"));
    assertEquals(401, wrong.statusCode());
    assertEquals(202, right.statusCode());
    String id = right.bodyAsJsonObject().getString("id");
    assertEquals(401, client.post("/tasks/" + id + "/cancel").send().await().statusCode());
    assertEquals(401, client.post("/tasks/batch").sendJsonObject(new JsonObject()).await().statusCode());
    assertEquals(200, client.get("/tasks/" + id).send().await().statusCode());
    assertEquals(200, client.get("/tasks").send().await().statusCode());
    assertEquals(200, client.get("/async-task?delay=1ms").send().await().statusCode());
  }
}

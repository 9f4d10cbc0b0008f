package dev.offload.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.Eventually;
import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Tasks;
import dev.offload.testing.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What api and worker nodes serve and run, and the legacy single token, http.api_token. */
class RolesAndTokenTest {

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  private static WebClient start(Map<String, String> env) throws InterruptedException {
    return offload.start(env).client();
  }

  @Test
  void an_api_node_accepts_tasks_but_runs_none() throws Exception {
    TestNode api = offload.start(Map.of("OFFLOAD_ROLE", "api", "OFFLOAD_NODE_ID", "api-node"));
    WebClient client = api.client();

    HttpResponse<Buffer> submitted =
        client.post("/tasks").sendJsonObject(new JsonObject().put("kind", "noop")).await();
    assertEquals(202, submitted.statusCode());
    String id = submitted.bodyAsJsonObject().getString("id");
    assertEquals(
        "available",
        client.get("/tasks/" + id).send().await().bodyAsJsonObject().getString("state"));

    // A node that runs tasks takes it at its first claim; by then the API node has started no
    // attempt.
    offload.start(Map.of("OFFLOAD_NODE_ID", "worker-node"));
    JsonObject done = api.await(id, Duration.ofSeconds(5), Tasks.inState("completed"));
    assertEquals("worker-node", done.getString("attempted_by"));
    assertEquals(1, done.getInteger("attempt"));
    String metrics = api.metrics();
    assertTrue(
        metrics.contains("offload_attempts_started_total{kind=\"noop\",queue=\"default\"} 0.0"),
        metrics);
  }

  @Test
  void a_worker_node_runs_tasks_and_serves_only_health_readiness_and_metrics() throws Exception {
    WebClient apiClient = start(Map.of("OFFLOAD_ROLE", "api", "OFFLOAD_NODE_ID", "api-node"));
    WebClient workerClient =
        start(Map.of("OFFLOAD_ROLE", "worker", "OFFLOAD_NODE_ID", "worker-node"));

    assertEquals(200, workerClient.get("/health").send().await().statusCode());
    assertEquals(200, workerClient.get("/ready").send().await().statusCode());
    for (String path :
        new String[] {"/tasks", "/async-task?delay=1ms", "/sync-task?delay=1ms", "/admin/nodes"}) {
      HttpResponse<Buffer> refused = workerClient.get(path).send().await();
      assertEquals(404, refused.statusCode(), path);
      assertEquals(
          "not_found", refused.bodyAsJsonObject().getJsonObject("error").getString("code"));
    }
    assertEquals(
        404,
        workerClient
            .post("/tasks")
            .sendJsonObject(new JsonObject().put("kind", "noop"))
            .await()
            .statusCode());

    String id =
        apiClient
            .post("/tasks")
            .sendJsonObject(new JsonObject().put("kind", "noop"))
            .await()
            .bodyAsJsonObject()
            .getString("id");
    JsonObject done =
        Eventually.value(
            "completed",
            Duration.ofSeconds(5),
            () -> apiClient.get("/tasks/" + id).send().await().bodyAsJsonObject(),
            task -> "completed".equals(task.getString("state")));
    assertEquals("worker-node", done.getString("attempted_by"));

    HttpResponse<Buffer> metrics = workerClient.get("/metrics").send().await();
    assertEquals(200, metrics.statusCode());
    assertTrue(
        metrics
            .bodyAsString()
            .contains(
                "offload_attempts_ended_total{kind=\"noop\",queue=\"default\",state=\"completed\"} 1.0"),
        metrics.bodyAsString());
    assertTrue(
        apiClient
            .get("/metrics")
            .send()
            .await()
            .bodyAsString()
            .contains("offload_tasks_submitted_total{kind=\"noop\",queue=\"default\"} 1.0"));
  }

  @Test
  void the_api_token_is_one_token_with_every_scope_and_every_route_but_the_probes_needs_it()
      throws Exception {
    WebClient client =
        start(Map.of("OFFLOAD_API_TOKEN", "s3cret", "OFFLOAD_WORKER_INSTANCES", "0"));
    JsonObject noop = new JsonObject().put("kind", "noop");

    HttpResponse<Buffer> missing = client.post("/tasks").sendJsonObject(noop).await();
    HttpResponse<Buffer> wrong =
        client.post("/tasks").bearerTokenAuthentication("guess").sendJsonObject(noop).await();
    HttpResponse<Buffer> right =
        client.post("/tasks").bearerTokenAuthentication("s3cret").sendJsonObject(noop).await();

    assertEquals(401, missing.statusCode());
    assertEquals(
        "unauthorized", missing.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertEquals("Bearer", missing.getHeader("www-authenticate"));
    assertEquals(401, wrong.statusCode());
    assertEquals(202, right.statusCode());
    String id = right.bodyAsJsonObject().getString("id");
    assertEquals(401, client.post("/tasks/" + id + "/cancel").send().await().statusCode());
    assertEquals(
        401, client.post("/tasks/batch").sendJsonObject(new JsonObject()).await().statusCode());
    for (String read :
        new String[] {"/tasks/" + id, "/tasks", "/async-task?delay=1ms", "/metrics"}) {
      assertEquals(401, client.get(read).send().await().statusCode(), read);
      assertEquals(
          200,
          client.get(read).bearerTokenAuthentication("s3cret").send().await().statusCode(),
          read);
    }
    assertEquals(
        200,
        client.get("/admin/nodes").bearerTokenAuthentication("s3cret").send().await().statusCode());
    assertEquals(200, client.get("/health").send().await().statusCode());
    assertEquals(200, client.get("/ready").send().await().statusCode());
  }

  @Test
  void a_worker_node_checks_tokens_too() throws Exception {
    WebClient worker = start(Map.of("OFFLOAD_ROLE", "worker", "OFFLOAD_API_TOKEN", "s3cret"));

    assertEquals(401, worker.get("/metrics").send().await().statusCode());
    assertEquals(
        200,
        worker.get("/metrics").bearerTokenAuthentication("s3cret").send().await().statusCode());
    assertEquals(200, worker.get("/health").send().await().statusCode());
  }
}

package dev.offload.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.Eventually;
import dev.offload.testing.OffloadNodeExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The node list and live scaling of a worker node, driven through an API node, each in a Vert.x of
 * its own.
 */
class AdminRoutesTest {

  private static final String TOKEN = "adm1n-t0ken";

  /** Nodes started once for the class: their registry rows stay from one test to the next. */
  @RegisterExtension
  static final OffloadNodeExtension offload =
      OffloadNodeExtension.withoutNode().keepDataBetweenTests();

  private static WebClient api;
  private static WebClient withoutToken;

  @BeforeAll
  static void startNodes() throws InterruptedException {
    api =
        offload
            .start(
                Map.of(
                    "OFFLOAD_NODE_ID", "api-a", "OFFLOAD_ROLE", "api", "OFFLOAD_API_TOKEN", TOKEN))
            .client();
    offload.start(
        Map.of(
            "OFFLOAD_NODE_ID",
            "worker-b",
            "OFFLOAD_ROLE",
            "worker",
            "OFFLOAD_WORKER_INSTANCES",
            "2"));
    withoutToken =
        offload.start(Map.of("OFFLOAD_NODE_ID", "api-c", "OFFLOAD_ROLE", "api")).client();
  }

  @Test
  void the_node_list_shows_every_live_node_with_its_role_and_workers() throws Exception {
    JsonArray listed =
        Eventually.value(
            "three nodes listed",
            Duration.ofSeconds(5),
            AdminRoutesTest::nodeList,
            list -> list.size() == 3);

    JsonObject worker = find(listed, "worker-b");
    assertEquals("worker", worker.getString("role"));
    assertEquals(2, worker.getInteger("worker_instances"));
    assertEquals(0, worker.getInteger("running_attempts"));
    assertTrue(worker.getString("last_heartbeat").compareTo(worker.getString("started_at")) >= 0);
    assertEquals("api", find(listed, "api-a").getString("role"));
    assertEquals(0, find(listed, "api-a").getInteger("worker_instances"));
  }

  @Test
  void workers_are_scaled_up_and_down_live_and_scaling_down_lets_running_attempts_finish()
      throws Exception {
    HttpResponse<Buffer> up =
        authorized(api.put("/admin/nodes/worker-b/workers"))
            .sendJsonObject(new JsonObject().put("instances", 4))
            .await();
    assertEquals(202, up.statusCode(), up.bodyAsString());
    assertEquals(4, up.bodyAsJsonObject().getInteger("desired_worker_instances"));
    Eventually.isTrue(
        "4 worker instances",
        () -> find(nodeList(), "worker-b").getInteger("worker_instances") == 4);

    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(
          authorized(api.post("/tasks"))
              .sendJsonObject(
                  new JsonObject()
                      .put("kind", "sleep")
                      .put("args", new JsonObject().put("seconds", 1.5)))
              .await()
              .bodyAsJsonObject()
              .getString("id"));
    }
    Eventually.isTrue("4 attempts at once", () -> running() == 4);

    HttpResponse<Buffer> down =
        authorized(api.put("/admin/nodes/worker-b/workers"))
            .sendJsonObject(new JsonObject().put("instances", 1))
            .await();
    assertEquals(202, down.statusCode());
    Eventually.isTrue(
        "1 worker instance",
        () -> find(nodeList(), "worker-b").getInteger("worker_instances") == 1);
    for (String id : ids) {
      // The worker kept may still be writing its attempt's end when the others are gone.
      Eventually.isTrue(
          "task " + id + " ended",
          () ->
              !"running"
                  .equals(
                      authorized(api.get("/tasks/" + id))
                          .send()
                          .await()
                          .bodyAsJsonObject()
                          .getString("state")));
      JsonObject task = authorized(api.get("/tasks/" + id)).send().await().bodyAsJsonObject();
      assertEquals("completed", task.getString("state"), task.encode());
      assertEquals(1, task.getInteger("attempt"));
      assertTrue(task.getJsonArray("errors").isEmpty());
    }
  }

  @Test
  void scaling_an_unknown_node_or_an_api_node_is_a_404_and_a_bad_count_a_400() {
    JsonObject two = new JsonObject().put("instances", 2);
    assertEquals(
        404,
        authorized(api.put("/admin/nodes/nobody/workers"))
            .sendJsonObject(two)
            .await()
            .statusCode());
    assertEquals(
        404,
        authorized(api.put("/admin/nodes/api-a/workers")).sendJsonObject(two).await().statusCode());
    for (Object bad : new Object[] {-1, 1025, 1.5, "2", null}) {
      HttpResponse<Buffer> response =
          authorized(api.put("/admin/nodes/worker-b/workers"))
              .sendJsonObject(new JsonObject().put("instances", bad))
              .await();
      assertEquals(400, response.statusCode(), String.valueOf(bad));
    }
    assertEquals(
        400,
        authorized(api.put("/admin/nodes/worker-b/workers"))
            .putHeader("content-type", "application/json")
            .sendBuffer(Buffer.buffer("{"))
            .await()
            .statusCode());
  }

  @Test
  void admin_routes_need_the_token_and_are_off_without_one() {
    HttpResponse<Buffer> missing = api.get("/admin/nodes").send().await();
    assertEquals(401, missing.statusCode());
    assertEquals(
        401,
        api.get("/admin/nodes").bearerTokenAuthentication("wrong").send().await().statusCode());

    HttpResponse<Buffer> off = withoutToken.get("/admin/nodes").send().await();
    assertEquals(403, off.statusCode());
    assertEquals("admin_disabled", off.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertNull(off.getHeader("www-authenticate"));
  }

  private static HttpRequest<Buffer> authorized(HttpRequest<Buffer> request) {
    return request.bearerTokenAuthentication(TOKEN);
  }

  private static JsonArray nodeList() {
    return authorized(api.get("/admin/nodes"))
        .send()
        .await()
        .bodyAsJsonObject()
        .getJsonArray("nodes");
  }

  private static long running() {
    return offload.countTasks("state = 'running'");
  }

  private static JsonObject find(JsonArray nodes, String id) {
    for (int i = 0; i < nodes.size(); i++) {
      if (id.equals(nodes.getJsonObject(i).getString("id"))) {
        return nodes.getJsonObject(i);
      }
    }
    throw new AssertionError("no node " + id + " in " + nodes.encode());
  }
}

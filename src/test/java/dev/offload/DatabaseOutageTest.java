package dev.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.offload.testing.Eventually;
import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.PgTestDatabase;
import dev.offload.testing.TcpProxy;
import dev.offload.testing.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The node reaches PostgreSQL through a proxy the test cuts and restores: the service keeps
 * running, the async routes keep answering, task routes answer 503, and everything recovers by
 * itself.
 */
class DatabaseOutageTest {

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  private TcpProxy proxy;
  private TestNode node;
  private WebClient client;

  @BeforeEach
  void startNodeBehindAStoppedProxy() throws Exception {
    URI target = URI.create(PgTestDatabase.URL.replaceFirst("^postgres(ql)?", "http"));
    try (ServerSocket free = new ServerSocket(0)) {
      proxy =
          new TcpProxy(offload.vertx(), free.getLocalPort(), target.getHost(), target.getPort());
    }
    String viaProxy =
        PgTestDatabase.URL.replace(
            target.getHost() + ":" + target.getPort(), "127.0.0.1:" + proxy.port());
    node = offload.startWithoutWaiting(Map.of("OFFLOAD_DATABASE_URL", viaProxy));
    client = node.client();
  }

  /** The node first, while its database is reachable or not, then the proxy. */
  @AfterEach
  void stop() {
    node.stop();
    proxy.stop().await();
  }

  @Test
  void a_node_started_without_its_database_serves_what_it_can_and_recovers_when_it_appears()
      throws Exception {
    assertEquals(200, get("/health").statusCode());
    assertEquals(200, get("/async-task?delay=10ms").statusCode());
    assertEquals(503, get("/ready").statusCode());
    assertUnavailable(submitNoop());

    proxy.start().await();

    Eventually.isTrue(
        "ready once the database is reachable", () -> get("/ready").statusCode() == 200);
    assertTaskCompletes();
  }

  @Test
  void a_node_that_loses_its_database_answers_503_for_tasks_and_recovers_without_losing_any()
      throws Exception {
    proxy.start().await();
    Eventually.isTrue("ready", () -> get("/ready").statusCode() == 200);
    String running =
        submit(
            new JsonObject().put("kind", "sleep").put("args", new JsonObject().put("seconds", 1)));
    Eventually.isTrue(
        "sleep task running", () -> "running".equals(task(running).getString("state")));

    proxy.stop().await(); // the sleep task finishes while the database is away
    Eventually.isTrue("task routes answer 503", () -> submitNoop().statusCode() == 503);
    assertUnavailable(submitNoop());
    assertEquals(503, get("/ready").statusCode());
    assertEquals(200, get("/async-task?delay=10ms").statusCode());
    // The attempt ends while the database is away: its outcome waits to be written.
    Eventually.isTrue(
        "the sleep task ended",
        () ->
            node.metrics()
                .contains(
                    "offload_attempts_ended_total{kind=\"sleep\",queue=\"default\",state=\"completed\"} 1.0"));

    proxy.start().await();
    Eventually.isTrue(
        "the outcome written after the outage",
        () -> "completed".equals(task(running).getString("state")));
    assertEquals(1, task(running).getInteger("attempt"));
    assertTaskCompletes();
  }

  /**
   * A 503 {@code database_unavailable} that says when to try again: the node's retry interval (200
   * ms here), in whole seconds.
   */
  private static void assertUnavailable(HttpResponse<Buffer> refused) {
    assertEquals(503, refused.statusCode());
    assertEquals(
        "database_unavailable",
        refused.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertEquals("1", refused.getHeader("Retry-After"));
  }

  private void assertTaskCompletes() throws InterruptedException {
    String id = submit(new JsonObject().put("kind", "noop"));
    Eventually.isTrue("noop completes", () -> "completed".equals(task(id).getString("state")));
  }

  private HttpResponse<Buffer> get(String path) {
    return client.get(path).send().await();
  }

  private HttpResponse<Buffer> submitNoop() {
    return client.post("/tasks").sendJsonObject(new JsonObject().put("kind", "noop")).await();
  }

  private String submit(JsonObject task) {
    return node.submit(task);
  }

  private JsonObject task(String id) {
    HttpResponse<Buffer> response = get("/tasks/" + id);
    return response.statusCode() == 200 ? response.bodyAsJsonObject() : new JsonObject();
  }
}

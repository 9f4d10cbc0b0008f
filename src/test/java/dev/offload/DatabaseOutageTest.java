package dev.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.offload.task.TaskHandlers;
import dev.offload.testing.Eventually;
import dev.offload.testing.PgTestDatabase;
import dev.offload.testing.TcpProxy;
import dev.offload.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The node reaches PostgreSQL through a proxy the test cuts and restores: the service keeps running, the
 * async routes keep answering, task routes answer 503, and everything recovers by itself.
 */
class DatabaseOutageTest {

  private static PgTestDatabase db;
  private Vertx vertx;
  private TcpProxy proxy;
  private OffloadNode node;
  private WebClient client;

  @BeforeAll
  static void createSchema() {
    db = PgTestDatabase.create(DatabaseOutageTest.class);
  }

  @AfterAll
  static void dropSchema() {
    Vertx vertx = Vertx.vertx();
    db.drop(vertx);
    vertx.close().await();
  }

  @BeforeEach
  void startNodeBehindAStoppedProxy() throws Exception {
    vertx = Vertx.vertx();
    URI target = URI.create(PgTestDatabase.URL.replaceFirst("^postgres(ql)?", "http"));
    try (ServerSocket free = new ServerSocket(0)) {
      proxy = new TcpProxy(vertx, free.getLocalPort(), target.getHost(), target.getPort());
    }
    String viaProxy = PgTestDatabase.URL.replace(target.getHost() + ":" + target.getPort(),
        "127.0.0.1:" + proxy.port());
    var config = TestNodes.config(db, Map.of("OFFLOAD_DATABASE_URL", viaProxy));
    node = OffloadNode.start(vertx, config, Clock.systemUTC(), TaskHandlers.discover()).await();
    client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(node.httpPort()));
  }

  @AfterEach
  void stop() {
    node.stop().await();
    vertx.close().await();
  }

  @Test
  void a_node_started_without_its_database_serves_what_it_can_and_recovers_when_it_appears() throws Exception {
    assertEquals(200, get("/health").statusCode());
    assertEquals(200, get("/async-task?delay=10ms").statusCode());
    assertEquals(503, get("/ready").statusCode());
    HttpResponse<Buffer> refused = submitNoop();
    assertEquals(503, refused.statusCode());
    assertEquals("database_unavailable", refused.bodyAsJsonObject().getJsonObject("error").getString("code"));

    proxy.start().await();

    Eventually.isTrue("ready once the database is reachable", () -> get("/ready").statusCode() == 200);
    assertTaskCompletes();
  }

  @Test
  void a_node_that_loses_its_database_answers_503_for_tasks_and_recovers_without_losing_any() throws Exception {
    proxy.start().await();
    Eventually.isTrue("ready", () -> get("/ready").statusCode() == 200);
    String running = submit(new JsonObject().put("kind", "sleep").put("args", new JsonObject().put("seconds", 1)));
    Eventually.isTrue("sleep task running", () -> "running".equals(task(running).getString("state")));

    proxy.stop().await(); // the sleep task finishes while the database is away
    Eventually.isTrue("task routes answer 503", () -> submitNoop().statusCode() == 503);
    assertEquals(503, get("/ready").statusCode());
    assertEquals(200, get("/async-task?delay=10ms").statusCode());
    Thread.sleep(1_500);

    proxy.start().await();
    Eventually.isTrue("the outcome written after the outage",
        () -> "completed".equals(task(running).getString("state")));
    assertEquals(1, task(running).getInteger("attempt"));
    assertTaskCompletes();
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
    HttpResponse<Buffer> response = client.post("/tasks").sendJsonObject(task).await();
    assertEquals(202, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getString("id");
  }

  private JsonObject task(String id) {
    HttpResponse<Buffer> response = get("/tasks/" + id);
    return response.statusCode() == 200 ? response.bodyAsJsonObject() : new JsonObject();
  }
}

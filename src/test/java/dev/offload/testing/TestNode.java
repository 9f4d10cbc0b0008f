package dev.offload.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.offload.OffloadNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * A real Offload node started by {@link OffloadNodeExtension}, in a Vert.x of its own (as in a JVM
 * of its own), with a {@link WebClient} on its port and the calls tests make to it. Blocking: use
 * from the test thread.
 */
public final class TestNode {

  /** How long {@link #await(String, Predicate)} waits unless told otherwise. */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

  /**
   * Connections the client opens at most, so that tests sending requests at once are not queued.
   */
  private static final int CLIENT_CONNECTIONS = 32;

  private final Vertx vertx;
  private final OffloadNode node;

  /** Kept in a field: Vert.x 5 may collect a client held only by a local variable. */
  private final WebClient client;

  private boolean stopped;

  TestNode(Vertx vertx, OffloadNode node) {
    this.vertx = vertx;
    this.node = node;
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(node.httpPort()),
            new PoolOptions().setHttp1MaxSize(CLIENT_CONNECTIONS));
  }

  public WebClient client() {
    return client;
  }

  /** The node's own Vert.x, e.g. for its local event bus. */
  public Vertx vertx() {
    return vertx;
  }

  public int httpPort() {
    return node.httpPort();
  }

  public boolean isDatabaseReady() {
    return node.isDatabaseReady();
  }

  /** Submits one task, expects a 202, and returns its id. */
  public String submit(TaskBody task) {
    return submit(task.json());
  }

  public String submit(JsonObject task) {
    HttpResponse<Buffer> response = client.post("/tasks").sendJsonObject(task).await();
    assertEquals(202, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getString("id");
  }

  /**
   * Submits {@code count} copies of {@code task} in one batch, expects a 202, and returns their ids
   * in order.
   */
  public List<String> submitBatch(int count, TaskBody task) {
    JsonArray tasks = new JsonArray();
    for (int i = 0; i < count; i++) {
      tasks.add(task.json());
    }
    HttpResponse<Buffer> response =
        client.post("/tasks/batch").sendJsonObject(new JsonObject().put("tasks", tasks)).await();
    assertEquals(202, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getJsonArray("ids").stream().map(String::valueOf).toList();
  }

  /** {@code GET /tasks/{id}}, which must answer 200. */
  public JsonObject task(String id) {
    HttpResponse<Buffer> response = client.get("/tasks/" + id).send().await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  /**
   * Polls the task until {@code until} holds (see {@link Tasks#inState}), for {@link
   * #DEFAULT_WAIT}.
   */
  public JsonObject await(String id, Predicate<JsonObject> until) throws InterruptedException {
    return await(id, DEFAULT_WAIT, until);
  }

  public JsonObject await(String id, Duration wait, Predicate<JsonObject> until)
      throws InterruptedException {
    return Eventually.value("task " + id, wait, () -> task(id), until);
  }

  /**
   * One dispatcher cycle of a node started by {@link OffloadNodeExtension#startManual}: how many
   * tasks it claimed and started (see {@link ManualDispatcher}).
   */
  public int cycle() {
    return new ManualDispatcher(vertx).cycle().await();
  }

  /** The node's {@code /metrics}, in the Prometheus text format. */
  public String metrics() {
    return client.get("/metrics").send().await().bodyAsString();
  }

  /**
   * Stops the node gracefully ({@link OffloadNode#stop()}), leaving its Vert.x running, as an
   * application embedding it would; the extension closes that Vert.x after the test. Once only:
   * later calls do nothing.
   */
  public void stop() {
    if (!stopped) {
      stopped = true;
      node.stop().await();
    }
  }

  /** Stops the node if it still runs, then closes its Vert.x. */
  void close() {
    try {
      stop();
    } finally {
      vertx.close().await();
    }
  }

  boolean isStopped() {
    return stopped;
  }
}

package dev.offload.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Timing;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code /async-task} and {@code /sync-task}, served by a node whose database is unreachable: these
 * routes must not need it, and the task routes must say so with a 503 instead of hanging or failing
 * with a 500.
 */
class DemoRoutesTest {

  private static final int CONCURRENT_REQUESTS = 200;

  @RegisterExtension
  static final OffloadNodeExtension offload =
      OffloadNodeExtension.withNode()
          .unreachableDatabase()
          .workers(0)
          .env("OFFLOAD_NODE_ID", "demo-routes-test");

  private static WebClient client;

  /** One connection per concurrent request, so the client's pool does not serialise them. */
  private static WebClient wideClient;

  @BeforeAll
  static void createClients() {
    client = offload.client();
    wideClient =
        WebClient.create(
            offload.vertx(),
            new WebClientOptions()
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(offload.node().httpPort()),
            new PoolOptions().setHttp1MaxSize(CONCURRENT_REQUESTS));
  }

  private static HttpResponse<Buffer> get(String uri) {
    return client.get(uri).send().await();
  }

  private record Timed(HttpResponse<Buffer> response, Duration elapsed) {}

  private static Timed timedGet(String uri) {
    long started = System.nanoTime();
    HttpResponse<Buffer> response = get(uri);
    return new Timed(response, Duration.ofNanos(System.nanoTime() - started));
  }

  /** Asserts a 200 JSON answer that waited at least {@code delay}; returns its body. */
  private static JsonObject assertWaited(Timed timed, Duration delay) {
    assertEquals(200, timed.response().statusCode(), timed.response().bodyAsString());
    assertTrue(timed.response().getHeader("content-type").startsWith("application/json"));
    assertTrue(
        timed.elapsed().compareTo(delay) >= 0,
        "answered after " + timed.elapsed().toMillis() + " ms");
    JsonObject body = timed.response().bodyAsJsonObject();
    assertTrue(body.getLong("waited_ms") >= delay.toMillis(), body.encode());
    return body;
  }

  private static String assertError(HttpResponse<Buffer> response, int status, String code) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertTrue(response.getHeader("content-type").startsWith("application/json"));
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertEquals(code, error.getString("code"), error.encode());
    assertFalse(error.getString("message").isBlank());
    return error.getString("message");
  }

  @Test
  void async_task_answers_with_json_once_the_delay_has_passed() {
    JsonObject body = assertWaited(timedGet("/async-task?delay=250ms"), Duration.ofMillis(250));
    assertEquals("250ms", body.getString("delay"));
    assertTrue(body.getString("message").contains("asynchronously"), body.encode());
  }

  @Test
  void async_task_reads_a_bare_number_as_seconds() {
    assertEquals(
        "200ms",
        assertWaited(timedGet("/async-task?delay=0.2"), Duration.ofMillis(200)).getString("delay"));
  }

  @Test
  void async_task_reads_minutes() {
    assertEquals(
        "300ms",
        assertWaited(timedGet("/async-task?delay=0.005m"), Duration.ofMillis(300))
            .getString("delay"));
  }

  @Test
  void async_task_accepts_the_maximum_of_one_minute() {
    // A rejected delay would be answered at once; an accepted one is still waiting when the client
    // gives up.
    Throwable outcome =
        client
            .get("/async-task?delay=1m")
            .timeout(750)
            .send()
            .map(
                response ->
                    (Throwable)
                        new AssertionError(response.statusCode() + " " + response.bodyAsString()))
            .otherwise(failure -> failure)
            .await();
    assertTrue(outcome instanceof TimeoutException, outcome.toString());
  }

  @Test
  void sync_task_answers_with_json_once_the_delay_has_passed() {
    JsonObject body = assertWaited(timedGet("/sync-task?delay=200ms"), Duration.ofMillis(200));
    assertEquals("200ms", body.getString("delay"));
    assertTrue(body.getString("message").contains("synchronously"), body.encode());
  }

  static Stream<Arguments> invalid_delays() {
    return Stream.of("/async-task", "/sync-task")
        .flatMap(
            path ->
                Stream.of("abc", "-1", "61s", "1h", "", "1d", "2%20s")
                    .map(delay -> Arguments.of(path, delay)));
  }

  @ParameterizedTest(name = "{0}?delay={1}")
  @MethodSource("invalid_delays")
  void an_invalid_or_too_long_delay_is_a_json_400(String path, String delay) {
    String message = assertError(get(path + "?delay=" + delay), 400, "invalid_delay");
    assertTrue(message.startsWith("delay"), message);
  }

  @Test
  @Timing
  void concurrent_async_requests_all_complete_without_holding_a_thread_each() {
    // 200 requests of 1 s each would take 200 s one at a time, or 10 s on the 20 worker threads;
    // waiting on a timer, they all finish after about one second.
    long started = System.nanoTime();
    List<Future<HttpResponse<Buffer>>> requests = new ArrayList<>();
    for (int i = 0; i < CONCURRENT_REQUESTS; i++) {
      requests.add(wideClient.get("/async-task?delay=1s").send());
    }
    Future.all(requests).await();
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

    for (Future<HttpResponse<Buffer>> request : requests) {
      HttpResponse<Buffer> response = request.result();
      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertTrue(response.bodyAsJsonObject().getLong("waited_ms") >= 1000, response.bodyAsString());
    }
    assertTrue(elapsed.compareTo(Duration.ofSeconds(1)) >= 0, elapsed.toString());
    assertTrue(elapsed.compareTo(Duration.ofSeconds(10)) < 0, "took " + elapsed.toMillis() + " ms");
  }

  @Test
  void without_its_database_a_node_is_alive_and_serves_demo_routes_but_not_ready_for_tasks() {
    assertFalse(offload.node().isDatabaseReady());

    HttpResponse<Buffer> health = get("/health");
    assertEquals(200, health.statusCode(), health.bodyAsString());
    assertEquals("UP", health.bodyAsJsonObject().getString("status"));

    assertWaited(timedGet("/async-task?delay=10ms"), Duration.ofMillis(10));

    HttpResponse<Buffer> ready = get("/ready");
    assertEquals(503, ready.statusCode(), ready.bodyAsString());
    assertEquals("DOWN", ready.bodyAsJsonObject().getString("status"));

    HttpResponse<Buffer> submit =
        client.post("/tasks").sendJsonObject(new JsonObject().put("kind", "noop")).await();
    assertError(submit, 503, "database_unavailable");
    assertError(get("/tasks"), 503, "database_unavailable");
    assertError(get("/tasks/0190d1a0-0000-7000-8000-000000000000"), 503, "database_unavailable");
  }
}

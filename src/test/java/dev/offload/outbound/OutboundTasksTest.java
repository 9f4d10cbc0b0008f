package dev.offload.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.Eventually;
import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Tasks;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The http and callback kinds against a real receiving server on port 0, allow-listed. */
class OutboundTasksTest {

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  private static WebClient client;
  private static String base;
  private static final List<JsonObject> hooks = new CopyOnWriteArrayList<>();
  private static final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  @BeforeAll
  static void startReceiverThenNode() throws InterruptedException {
    Vertx vertx = offload.vertx();
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create());
    router.get("/ok").handler(ctx -> ctx.json(new JsonObject().put("hello", "world")));
    router
        .post("/echo")
        .handler(
            ctx ->
                ctx.json(
                    new JsonObject()
                        .put("body", ctx.body().asString())
                        .put("x-token", ctx.request().getHeader("x-token"))));
    router
        .get("/status/:code")
        .handler(
            ctx -> {
              String retryAfter = ctx.queryParams().get("retry_after");
              if (retryAfter != null) {
                ctx.response().putHeader("retry-after", retryAfter);
              }
              ctx.response().setStatusCode(Integer.parseInt(ctx.pathParam("code"))).end("nope");
            });
    router
        .get("/flaky/:key")
        .handler(
            ctx -> {
              int call =
                  calls
                      .computeIfAbsent(ctx.pathParam("key"), key -> new AtomicInteger())
                      .incrementAndGet();
              ctx.response().setStatusCode(call <= 2 ? 503 : 200).end("call " + call);
            });
    router.get("/slow").handler(ctx -> vertx.setTimer(10_000, id -> ctx.response().end("late")));
    router
        .post("/hook")
        .handler(
            ctx -> {
              hooks.add(ctx.body().asJsonObject());
              ctx.response().setStatusCode(204).end();
            });
    HttpServer receiver =
        vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    base = "http://127.0.0.1:" + receiver.actualPort();
    client =
        offload
            .start(Map.of("OFFLOAD_OUTBOUND_ALLOWED_HOSTS", "127.0.0.1:" + receiver.actualPort()))
            .client();
  }

  @BeforeEach
  void forgetHooks() {
    hooks.clear();
  }

  @Test
  void an_http_task_completes_with_the_status_headers_and_body_it_got() throws Exception {
    JsonObject done = awaitFinal(submit(http("GET", base + "/ok")));

    assertEquals("completed", done.getString("state"), done.encode());
    JsonObject result = done.getJsonObject("result");
    assertEquals(200, result.getInteger("status"));
    assertEquals("application/json", result.getJsonObject("headers").getString("content-type"));
    assertEquals(new JsonObject().put("hello", "world"), new JsonObject(result.getString("body")));
  }

  @Test
  void an_http_task_sends_its_method_headers_and_json_body() throws Exception {
    JsonObject task = http("POST", base + "/echo");
    task.getJsonObject("args")
        .put("headers", new JsonObject().put("x-token", "abc"))
        .put("body", new JsonObject().put("n", 1));

    JsonObject echoed =
        new JsonObject(awaitFinal(submit(task)).getJsonObject("result").getString("body"));

    assertEquals("{\"n\":1}", echoed.getString("body"));
    assertEquals("abc", echoed.getString("x-token"));
  }

  @Test
  void a_5xx_is_retried_until_it_succeeds() throws Exception {
    JsonObject done =
        awaitFinal(submit(http("GET", base + "/flaky/" + Instant.now().toEpochMilli())));

    assertEquals("completed", done.getString("state"), done.encode());
    assertEquals(3, done.getInteger("attempt"));
    assertTrue(
        done.getJsonArray("errors")
            .getJsonObject(0)
            .getString("message")
            .startsWith("HTTP 503 from "));
  }

  @Test
  void a_429_is_retried_after_its_retry_after() throws Exception {
    String id = submit(http("GET", base + "/status/429?retry_after=2"));

    JsonObject retryable =
        Eventually.value(
            "retryable",
            Duration.ofSeconds(5),
            () -> task(id),
            task -> "retryable".equals(task.getString("state")));
    Duration wait =
        Duration.between(
            Instant.parse(retryable.getJsonArray("errors").getJsonObject(0).getString("at")),
            Instant.parse(retryable.getString("scheduled_at")));
    assertTrue(
        Math.abs(wait.toMillis() - 2_000) < 50, "waits the Retry-After, not the backoff: " + wait);
  }

  @Test
  void a_4xx_discards_the_task_at_once() throws Exception {
    JsonObject done = awaitFinal(submit(http("GET", base + "/status/404")));

    assertEquals("discarded", done.getString("state"));
    assertEquals(1, done.getInteger("attempt"));
    assertTrue(
        done.getJsonArray("errors").getJsonObject(0).getString("message").contains("HTTP 404"));
  }

  @Test
  void a_slow_call_fails_at_its_timeout_and_a_cancel_stops_it() throws Exception {
    JsonObject slow = http("GET", base + "/slow");
    slow.getJsonObject("args").put("timeout", "200ms");
    slow.put("max_attempts", 1);
    JsonObject timedOut = awaitFinal(submit(slow));
    assertEquals("discarded", timedOut.getString("state"));

    String cancelled = submit(http("GET", base + "/slow"));
    Eventually.isTrue("running", () -> "running".equals(task(cancelled).getString("state")));
    client.post("/tasks/" + cancelled + "/cancel").send().await();
    Eventually.isTrue(
        "cancelled",
        Duration.ofSeconds(2),
        () -> "cancelled".equals(task(cancelled).getString("state")));
  }

  @Test
  void urls_off_the_allow_list_are_refused_at_submission() {
    HttpResponse<Buffer> http =
        client.post("/tasks").sendJsonObject(http("GET", "http://127.0.0.1:1/x")).await();
    HttpResponse<Buffer> callback =
        client
            .post("/tasks")
            .sendJsonObject(
                new JsonObject()
                    .put("kind", "noop")
                    .put("callback_url", "https://example.com/hook"))
            .await();

    assertEquals(400, http.statusCode());
    assertTrue(http.bodyAsString().contains("allow-list"), http.bodyAsString());
    assertEquals(400, callback.statusCode());
    assertTrue(callback.bodyAsString().contains("allow-list"), callback.bodyAsString());
    assertEquals(
        0L, offload.sql("SELECT count(*) FROM offload_task_all").iterator().next().getLong(0));
  }

  @Test
  void a_finished_task_posts_its_resource_to_its_callback_url_whatever_finished_it()
      throws Exception {
    String completed = offload.submit(Tasks.noop().callbackUrl(base + "/hook"));
    String discarded = offload.submit(Tasks.of("test.discard").callbackUrl(base + "/hook"));
    String cancelled = offload.submit(Tasks.noop().delay("1h").callbackUrl(base + "/hook"));
    client.post("/tasks/" + cancelled + "/cancel").send().await();

    Eventually.isTrue("three callbacks", Duration.ofSeconds(10), () -> hooks.size() == 3);
    Map<String, String> stateById = new ConcurrentHashMap<>();
    hooks.forEach(hook -> stateById.put(hook.getString("id"), hook.getString("state")));
    assertEquals(
        Map.of(completed, "completed", discarded, "discarded", cancelled, "cancelled"), stateById);
    // A callback task ends once the receiver answered: its outcome is written a moment after the
    // hook arrived.
    Eventually.isTrue(
        "three callback tasks completed",
        Duration.ofSeconds(10),
        () -> offload.countTasks("kind = 'callback' AND state = 'completed'") == 3);
  }

  private static JsonObject http(String method, String url) {
    return Tasks.http(method, url).json();
  }

  private static String submit(JsonObject task) {
    return offload.submit(task);
  }

  private static JsonObject task(String id) {
    return offload.task(id);
  }

  private static JsonObject awaitFinal(String id) throws InterruptedException {
    return offload.await(id, Tasks.finished());
  }
}

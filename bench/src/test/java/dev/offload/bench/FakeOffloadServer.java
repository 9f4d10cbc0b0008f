package dev.offload.bench;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test-only stand-in for the service's HTTP contract, in memory, to check the load generator when the real service
 * is not at hand. Its figures mean nothing about Offload: never put them in RESULTS.md.
 *
 * <p>Usage: {@code java -cp target/offload-bench.jar:target/test-classes dev.offload.bench.FakeOffloadServer PORT}
 */
public final class FakeOffloadServer extends VerticleBase {

  private final int port;
  private final Map<String, JsonObject> tasks = new ConcurrentHashMap<>();

  private FakeOffloadServer(int port) {
    this.port = port;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/ready").handler(ctx -> ctx.response().end("ready"));
    router.get("/async-task").handler(ctx ->
      vertx.setTimer(delayMillis(ctx), timer -> ctx.response().end("done")));
    // Blocks a thread of the 20-thread worker pool, as the service's sync route does. Unordered: the default
    // (ordered) would run this context's blocking calls one at a time instead of 20 at a time.
    router.get("/sync-task").handler(ctx -> vertx.executeBlocking(() -> {
      Thread.sleep(delayMillis(ctx));
      return "done";
    }, false).onSuccess(body -> ctx.response().end(body)));
    router.post("/tasks").handler(BodyHandler.create()).handler(this::submit);
    router.get("/tasks/:id").handler(ctx -> {
      JsonObject task = tasks.get(ctx.pathParam("id"));
      if (task == null) {
        ctx.response().setStatusCode(404).end();
      } else {
        ctx.json(task);
      }
    });
    return vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1");
  }

  private void submit(RoutingContext ctx) {
    JsonObject request = ctx.body().asJsonObject();
    String id = UUID.randomUUID().toString();
    JsonObject task = new JsonObject().put("id", id).put("kind", request.getString("kind"))
      .put("state", "available").put("created_at", Instant.now().toString()).putNull("finalized_at");
    tasks.put(id, task);
    double seconds = request.getJsonObject("args").getDouble("seconds", 0.0);
    vertx.setTimer(Math.max(1, (long) (seconds * 1000)), timer -> tasks.put(id, task.copy()
      .put("state", "completed").put("finalized_at", Instant.now().toString())));
    ctx.response().setStatusCode(202);
    ctx.json(task);
  }

  /** Accepts the service's duration syntax: {@code 100ms} or {@code 1s}. */
  private static long delayMillis(RoutingContext ctx) {
    String delay = ctx.queryParams().get("delay");
    return delay.endsWith("ms")
      ? Long.parseLong(delay.substring(0, delay.length() - 2))
      : Long.parseLong(delay.substring(0, delay.length() - 1)) * 1000;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx.vertx(new VertxOptions()).deployVerticle(new FakeOffloadServer(port)).await();
    System.err.println("FakeOffloadServer listening on 127.0.0.1:" + port);
  }
}

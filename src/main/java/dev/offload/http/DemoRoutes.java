package dev.offload.http;

import dev.offload.api.ApiError;
import dev.offload.support.Durations;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * The seeds' two routes, side by side. {@code /async-task} waits on a Vert.x timer, holding no
 * thread: the {@code async def} route. {@code /sync-task} waits with {@code Thread.sleep} on the
 * worker pool: the synchronous Flask route, bounded by the pool's threads.
 */
final class DemoRoutes {

  private static final Duration DEFAULT_DELAY = Duration.ofSeconds(2);
  private static final Duration MAX_DELAY = Duration.ofSeconds(60);

  private final Vertx vertx;

  DemoRoutes(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(Router router) {
    router.get("/async-task").handler(this::asyncTask);
    router.get("/sync-task").handler(this::syncTask);
  }

  private void asyncTask(RoutingContext ctx) {
    Duration delay = delay(ctx);
    long started = System.nanoTime();
    vertx.setTimer(
        Math.max(1, delay.toMillis()),
        id -> ctx.json(body("Task completed asynchronously!", delay, started)));
  }

  private void syncTask(RoutingContext ctx) {
    Duration delay = delay(ctx);
    long started = System.nanoTime();
    vertx
        .executeBlocking(
            () -> {
              Thread.sleep(delay.toMillis());
              return body(
                  "Task completed synchronously (a worker thread was blocked)", delay, started);
            },
            false)
        .onComplete(ctx::json, ctx::fail);
  }

  private static Duration delay(RoutingContext ctx) {
    String text = ctx.queryParams().get("delay");
    if (text == null) {
      return DEFAULT_DELAY;
    }
    try {
      return Durations.parse(text, Duration.ZERO, MAX_DELAY);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("invalid_delay", "delay: " + e.getMessage());
    }
  }

  private static JsonObject body(String message, Duration delay, long startedNanos) {
    return new JsonObject()
        .put("message", message)
        .put("delay", Durations.format(delay))
        .put("waited_ms", (System.nanoTime() - startedNanos) / 1_000_000);
  }
}

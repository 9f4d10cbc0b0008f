package dev.offload.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.TimeUnit;

/**
 * Enqueue-to-start latency: N {@code noop} tasks submitted one at a time, each awaited (polling its resource) until
 * it has started before the next is submitted. The figures come from the service's own timestamps,
 * {@code attempted_at - created_at}, so neither the client nor the polling adds to them. Optionally under a steady
 * background load of other submissions ({@link BackgroundSubmitter}), which the same workers run.
 */
final class EnqueueLatencyBenchmark implements Benchmark {

  /** Uncounted cycles first, so that both JVMs have compiled the path and the connection is open. */
  private static final int WARM_UP_TASKS = 50;
  private static final long GIVE_UP_AFTER_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final Vertx vertx;
  private final TaskClient tasks;
  private final BackgroundSubmitter background;
  private final int count;
  private final long pollMillis;

  EnqueueLatencyBenchmark(Vertx vertx, String baseUrl, int count, double backgroundPerSecond, long pollMillis) {
    this.vertx = vertx;
    // Cycles are sequential: one keep-alive connection carries the submission and the polls.
    this.tasks = new TaskClient(vertx.createHttpClient(Http.clientOptions(),
      new PoolOptions().setHttp1MaxSize(1)), baseUrl);
    this.background = backgroundPerSecond <= 0 ? null : new BackgroundSubmitter(vertx,
      new TaskClient(vertx.createHttpClient(Http.clientOptions(),
        new PoolOptions().setHttp1MaxSize(16)), baseUrl), backgroundPerSecond);
    this.count = count;
    this.pollMillis = pollMillis;
  }

  @Override
  public Future<JsonObject> run() {
    Latencies server = new Latencies();
    Latencies client = new Latencies();
    ErrorTally errors = new ErrorTally();
    if (background != null) {
      background.start();
    }
    return cycles(WARM_UP_TASKS, new Latencies(), new Latencies(), new ErrorTally())
      .compose(warm -> cycles(count, server, client, errors))
      .map(done -> {
        errors.log("enqueue-latency");
        JsonObject json = new JsonObject()
          .put("tasks", count)
          .put("ok", server.count())
          .put("errors", errors.total())
          .put("p50_ms", server.percentile(50))
          .put("p95_ms", server.percentile(95))
          .put("p99_ms", server.percentile(99))
          .put("max_ms", server.max())
          .put("client_p50_ms", client.percentile(50))
          .put("client_p99_ms", client.percentile(99));
        if (background != null) {
          background.stop();
          JsonObject figures = background.figures();
          json.mergeIn(figures);
          json.put("errors", json.getInteger("errors") + figures.getInteger("background_errors"));
        }
        return json;
      });
  }

  /** Submit-and-await-start cycles one after the other; never fails, failures go to {@code errors}. */
  private Future<Void> cycles(int remaining, Latencies server, Latencies client, ErrorTally errors) {
    if (remaining == 0) {
      return Future.succeededFuture();
    }
    long start = System.nanoTime();
    return tasks.submit("noop", new JsonObject())
      .compose(task -> awaitStart(task, start + GIVE_UP_AFTER_NANOS))
      .onSuccess(started -> {
        client.addNanos(System.nanoTime() - start);
        server.addNanos(enqueueToStart(started).toNanos());
      })
      .onFailure(errors::add)
      .<Void>mapEmpty()
      .otherwiseEmpty()
      .compose(previousDone -> cycles(remaining - 1, server, client, errors));
  }

  /** Polls until the task has an {@code attempted_at}; a noop may well be completed by then. */
  private Future<JsonObject> awaitStart(JsonObject task, long deadlineNanos) {
    if (task.getString("attempted_at") != null) {
      return Future.succeededFuture(task);
    }
    if (System.nanoTime() > deadlineNanos) {
      return Future.failedFuture(new UnexpectedResponseException("task not started within 30 s: " + task.encode()));
    }
    return vertx.timer(pollMillis, TimeUnit.MILLISECONDS)
      .compose(elapsed -> tasks.get(task.getString("id")))
      .compose(polled -> awaitStart(polled, deadlineNanos));
  }

  private static Duration enqueueToStart(JsonObject task) {
    return Duration.between(OffsetDateTime.parse(task.getString("created_at")),
      OffsetDateTime.parse(task.getString("attempted_at")));
  }
}

package dev.offload.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end time of a {@code sleep} task, from submit to completion, seen two ways: by the client (POST sent until
 * a poll shows {@code completed}, so it includes up to one poll interval) and by the server
 * ({@code finalized_at - created_at}). Their gap is the cost of submitting and observing; either one minus the
 * sleep is the queue's overhead.
 */
final class SleepEndToEndBenchmark implements Benchmark {

  /** Polling granularity: small next to a sleep of a second, yet not a busy loop. */
  private static final long POLL_INTERVAL_MILLIS = 10;
  private static final long GIVE_UP_AFTER_NANOS = TimeUnit.SECONDS.toNanos(30);
  /**
   * Uncounted noop tasks taken through the same submit-and-poll cycle first: a cold client adds about 0.4 s to its
   * first cycle. Each is awaited to completion, so none is still queued when the measured runs start; and as the
   * service claims tasks oldest first, they also wait out any backlog an earlier benchmark left behind.
   */
  private static final int WARM_UP_TASKS = 20;

  private final Vertx vertx;
  private final TaskClient tasks;
  private final int runs;
  private final double sleepSeconds;

  SleepEndToEndBenchmark(Vertx vertx, String baseUrl, int runs, double sleepSeconds) {
    this.vertx = vertx;
    // Runs are sequential and each waits on one request at a time: one keep-alive connection is all it needs.
    this.tasks = new TaskClient(vertx.createHttpClient(Http.clientOptions(),
      new PoolOptions().setHttp1MaxSize(1)), baseUrl);
    this.runs = runs;
    this.sleepSeconds = sleepSeconds;
  }

  @Override
  public Future<JsonObject> run() {
    Cycles warmUp = new Cycles();
    Cycles measured = new Cycles();
    JsonObject sleepArgs = new JsonObject().put("seconds", sleepSeconds);
    return cyclesInSequence(WARM_UP_TASKS, "noop", new JsonObject(), warmUp)
      .compose(warmedUp -> {
        warmUp.errors.log("sleep-e2e warm-up (not counted)");
        return cyclesInSequence(runs, "sleep", sleepArgs, measured);
      })
      .map(done -> {
        measured.errors.log("sleep-e2e");
        return new JsonObject()
          .put("runs", runs)
          .put("ok", measured.clientSide.count())
          .put("errors", measured.errors.total())
          .put("client_median_ms", measured.clientSide.percentile(50))
          .put("client_max_ms", measured.clientSide.max())
          .put("server_median_ms", measured.serverSide.percentile(50))
          .put("server_max_ms", measured.serverSide.max());
      });
  }

  /** Submit-and-await cycles one after the other; never fails, failures go to {@code cycles.errors}. */
  private Future<Void> cyclesInSequence(int remaining, String kind, JsonObject args, Cycles cycles) {
    if (remaining == 0) {
      return Future.succeededFuture();
    }
    long start = System.nanoTime();
    return tasks.submit(kind, args)
      .compose(task -> awaitCompletion(task, start + GIVE_UP_AFTER_NANOS))
      .map(completed -> new CycleTimes(System.nanoTime() - start, serverDuration(completed)))
      .onSuccess(times -> {
        cycles.clientSide.addNanos(times.clientNanos());
        cycles.serverSide.addNanos(times.server().toNanos());
      })
      .onFailure(cycles.errors::add)
      .<Void>mapEmpty()
      .otherwiseEmpty()
      .compose(previousDone -> cyclesInSequence(remaining - 1, kind, args, cycles));
  }

  /** Polls until the task is completed; fails if it ends any other way or is not done by the deadline. */
  private Future<JsonObject> awaitCompletion(JsonObject task, long deadlineNanos) {
    String state = task.getString("state");
    if ("completed".equals(state)) {
      return Future.succeededFuture(task);
    }
    if ("discarded".equals(state) || "cancelled".equals(state)) {
      return Future.failedFuture(new UnexpectedResponseException("task ended " + state + ": " + task.encode()));
    }
    if (System.nanoTime() > deadlineNanos) {
      return Future.failedFuture(new UnexpectedResponseException(
        "task not completed within 30 s, last state " + state + ": " + task.encode()));
    }
    return vertx.timer(POLL_INTERVAL_MILLIS, TimeUnit.MILLISECONDS)
      .compose(elapsed -> tasks.get(task.getString("id")))
      .compose(polled -> awaitCompletion(polled, deadlineNanos));
  }

  private static Duration serverDuration(JsonObject task) {
    String createdAt = task.getString("created_at");
    String finalizedAt = task.getString("finalized_at");
    if (createdAt == null || finalizedAt == null) {
      throw new UnexpectedResponseException("completed task lacks created_at or finalized_at: " + task.encode());
    }
    // OffsetDateTime accepts both the "Z" and the "+00:00" forms of ISO-8601.
    return Duration.between(OffsetDateTime.parse(createdAt), OffsetDateTime.parse(finalizedAt));
  }

  /** The figures of a series of cycles. */
  private static final class Cycles {
    final Latencies clientSide = new Latencies();
    final Latencies serverSide = new Latencies();
    final ErrorTally errors = new ErrorTally();
  }

  /** Both views of one cycle, recorded together so a cycle counts in both or in neither. */
  private record CycleTimes(long clientNanos, Duration server) {
  }
}

package dev.offload.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;

/**
 * Latency of submitting a task ({@code POST /tasks} of a {@code noop}): N requests one after the other on a single
 * keep-alive connection, so each figure is one submit's own cost, with no queueing and no connection set-up.
 */
final class SubmitLatencyBenchmark implements Benchmark {

  /** Not counted: lets both JVMs compile the hot paths and the connection open before measuring. */
  private static final int WARM_UP_REQUESTS = 50;

  private final TaskClient tasks;
  private final int requests;

  SubmitLatencyBenchmark(Vertx vertx, String baseUrl, int requests) {
    PoolOptions oneConnection = new PoolOptions().setHttp1MaxSize(1);
    this.tasks = new TaskClient(vertx.createHttpClient(Http.clientOptions(), oneConnection), baseUrl);
    this.requests = requests;
  }

  @Override
  public Future<JsonObject> run() {
    ErrorTally warmUpErrors = new ErrorTally();
    Latencies latencies = new Latencies();
    ErrorTally errors = new ErrorTally();
    return submitSequentially(WARM_UP_REQUESTS, new Latencies(), warmUpErrors)
      .compose(warmedUp -> {
        warmUpErrors.log("submit-latency warm-up (not counted)");
        return submitSequentially(requests, latencies, errors);
      })
      .map(done -> {
        errors.log("submit-latency");
        return new JsonObject()
          .put("requests", requests)
          .put("ok", latencies.count())
          .put("errors", errors.total())
          .put("p50_ms", latencies.percentile(50))
          .put("p99_ms", latencies.percentile(99))
          .put("max_ms", latencies.max())
          .put("mean_ms", latencies.mean());
      });
  }

  /** Each submit starts when the previous one has finished; never fails, failures go to {@code errors}. */
  private Future<Void> submitSequentially(int remaining, Latencies latencies, ErrorTally errors) {
    if (remaining == 0) {
      return Future.succeededFuture();
    }
    long start = System.nanoTime();
    return tasks.submit("noop", new JsonObject())
      .onSuccess(task -> latencies.addNanos(System.nanoTime() - start))
      .onFailure(errors::add)
      .<Void>mapEmpty()
      .otherwiseEmpty()
      .compose(previousDone -> submitSequentially(remaining - 1, latencies, errors));
  }
}

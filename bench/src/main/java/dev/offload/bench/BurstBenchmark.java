package dev.offload.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Fires N GETs at once, each on its own connection, and waits for all of them: shows how the server copes with N
 * requests in flight, e.g. 1,000 concurrent {@code /async-task?delay=1s} (should take about the delay) against
 * {@code /sync-task?delay=1s} (bounded by the server's worker pool). With an "open via" URL, the N connections
 * are opened first by a burst to that URL and kept alive, so the measured burst runs on N open connections and
 * does not count their TCP and accept costs; without it, every request connects during the burst.
 */
final class BurstBenchmark implements Benchmark {

  /**
   * Measured on the 2-core bench machine: 1,000 concurrent requests to a trivial server took 1.3 s cold, 0.65 s
   * after one warm-up round, 0.2 s after five.
   */
  private static final int WARM_UP_ROUNDS = 5;

  private final Vertx vertx;
  private final HttpClient client;
  private final String url;
  private final int requests;
  private final long timeoutMillis;
  private final String openVia;

  BurstBenchmark(Vertx vertx, String url, int requests, int timeoutSeconds, String openVia) {
    this.vertx = vertx;
    // One connection per request: with a smaller pool the requests would queue in the client, and we would be
    // measuring the client's pool instead of the server.
    this.client = vertx.createHttpClient(Http.clientOptions(), new PoolOptions().setHttp1MaxSize(requests));
    this.url = url;
    this.requests = requests;
    this.timeoutMillis = timeoutSeconds * 1000L;
    this.openVia = openVia;
  }

  @Override
  public Future<JsonObject> run() {
    Future<Void> warm = ClientWarmUp.run(vertx, requests, WARM_UP_ROUNDS);
    if (openVia != null) {
      warm = warm.compose(done -> burst(openVia)).compose(opened -> opened.getInteger("errors") == 0
          ? Future.succeededFuture()
          : Future.failedFuture("opening the connections failed: " + opened.encode()));
    }
    return warm.compose(ready -> burst(url));
  }

  private Future<JsonObject> burst(String target) {
    Latencies latencies = new Latencies();
    ErrorTally errors = new ErrorTally();
    long start = System.nanoTime();
    List<Future<Void>> all = new ArrayList<>(requests);
    for (int i = 0; i < requests; i++) {
      all.add(timedGet(target, latencies, errors));
    }
    return Future.all(all).map(done -> {
      double wallMillis = Latencies.round((System.nanoTime() - start) / 1_000_000.0);
      errors.log("burst");
      return new JsonObject()
        .put("requests", requests)
        .put("ok", latencies.count())
        .put("errors", errors.total())
        .put("wall_ms", wallMillis)
        .put("requests_per_s", wallMillis <= 0 ? null : LoadResult.round1(latencies.count() / (wallMillis / 1000.0)))
        .put("p50_ms", latencies.percentile(50))
        .put("p99_ms", latencies.percentile(99))
        .put("max_ms", latencies.max());
    });
  }

  /** Never fails: a failed request is counted in {@code errors}, so one failure does not end the burst early. */
  private Future<Void> timedGet(String target, Latencies latencies, ErrorTally errors) {
    long start = System.nanoTime();
    // setTimeout covers both getting a connection and waiting for the response's bytes.
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(target).setTimeout(timeoutMillis);
    return Http.exchange(client, options, null, 200)
      .onSuccess(body -> latencies.addNanos(System.nanoTime() - start))
      .onFailure(errors::add)
      .<Void>mapEmpty()
      .otherwiseEmpty();
  }
}

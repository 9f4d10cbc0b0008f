package dev.offload.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Requests per second through C keep-alive connections, each sending back to back, with p50/p99 latency. Optional
 * figures: {@code pct_of_ideal} against a given ideal rate (e.g. N/D for N connections waiting D each), and
 * {@code items_per_s} when each request carries several items (a batch of tasks).
 */
final class ThroughputBenchmark implements Benchmark {

  private final ClosedLoopRun run;
  private final int connections;
  private final Double idealRps;
  private final Integer itemsPerRequest;

  ThroughputBenchmark(Vertx vertx, RequestTemplate template, int connections, LoadShape shape, Double idealRps,
      Integer itemsPerRequest, Integer serverPid) {
    this.run = new ClosedLoopRun(vertx, vertx.createHttpClient(Http.clientOptions()), template,
      connections, shape, "throughput " + template.describe(), serverPid);
    this.connections = connections;
    this.idealRps = idealRps;
    this.itemsPerRequest = itemsPerRequest;
  }

  @Override
  public Future<JsonObject> run() {
    return run.run().map(result -> {
      JsonObject json = result.putInto(new JsonObject().put("connections", connections), "");
      if (itemsPerRequest != null) {
        json.put("items_per_s", LoadResult.round1(result.requestsPerSecond() * itemsPerRequest));
      }
      if (idealRps != null) {
        json.put("ideal_rps", idealRps)
          .put("pct_of_ideal", LoadResult.round1(100.0 * result.requestsPerSecond() / idealRps));
      }
      return json;
    });
  }
}

package dev.offload.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.json.JsonObject;

/**
 * A plain route of the service against the framework ceiling ({@link MinimalServer}), measured one after the other
 * in the same process with the same client and settings: requests/s of each and the service's share of the ceiling.
 * Both servers are first loaded once, uncounted, so that neither the client's JIT nor a server's is colder for the
 * first measured run: without that, the same server measured twice gave half the rate the first time.
 *
 * <p>On a shared machine the load generator (one core) may be the limit rather than the server. So each side also
 * reports its server's CPU use, and {@code pct_of_ceiling_per_cpu} compares requests per server CPU-second, which
 * holds whichever side is the bottleneck.
 */
final class PlainRouteBenchmark implements Benchmark {

  private final ClosedLoopRun serviceWarmUp;
  private final ClosedLoopRun ceilingWarmUp;
  private final ClosedLoopRun service;
  private final ClosedLoopRun ceiling;
  private final int connections;

  PlainRouteBenchmark(Vertx vertx, RequestTemplate service, RequestTemplate ceiling, int connections,
      LoadShape.Timed shape, Integer servicePid, Integer ceilingPid) {
    HttpClientAgent client = vertx.createHttpClient(Http.clientOptions());
    LoadShape warmUpOnly = new LoadShape.Timed(shape.warmUpSeconds(), 0.001);
    this.serviceWarmUp = new ClosedLoopRun(vertx, client, service, connections, warmUpOnly, "plain route warm-up (service)",
      null);
    this.ceilingWarmUp = new ClosedLoopRun(vertx, client, ceiling, connections, warmUpOnly, "plain route warm-up (ceiling)",
      null);
    this.service = new ClosedLoopRun(vertx, client, service, connections, shape, "plain route (service)", servicePid);
    this.ceiling = new ClosedLoopRun(vertx, client, ceiling, connections, shape, "plain route (ceiling)", ceilingPid);
    this.connections = connections;
  }

  @Override
  public Future<JsonObject> run() {
    return serviceWarmUp.run()
      .compose(warm -> ceilingWarmUp.run())
      .compose(warm -> service.run())
      .compose(measured -> ceiling.run().map(top -> {
        JsonObject json = new JsonObject().put("connections", connections);
        measured.putInto(json, "");
        top.putInto(json, "ceiling_");
        // The overall errors figure decides the exit status: both runs count.
        json.put("errors", measured.errors() + top.errors());
        json.put("pct_of_ceiling", percent(measured.requestsPerSecond(), top.requestsPerSecond()));
        json.put("pct_of_ceiling_per_cpu", percent(perCpu(measured), perCpu(top)));
        return json;
      }));
  }

  /** Requests per second of server CPU; null without the server's CPU figure. */
  private static Double perCpu(LoadResult result) {
    Double cpu = result.serverCpuPercent();
    return cpu == null || cpu <= 0 ? null : result.requestsPerSecond() / (cpu / 100.0);
  }

  private static Double percent(Double part, Double whole) {
    return part == null || whole == null || whole == 0 ? null : LoadResult.round1(100.0 * part / whole);
  }
}
